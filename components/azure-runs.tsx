'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { EmptyState, ErrorNotice, Notice } from '@/components/ui/notice';
import { Badge } from '@/components/ui/page';
import type { ActionResult } from '@/lib/auth/action';
import type { RunListItem, RunView } from '@/lib/azure/run-list';

const STATUS = {
  running: { label: 'Running', tone: 'blue' },
  succeeded: { label: 'Succeeded', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
  awaiting_confirmation: { label: 'Waiting for you', tone: 'amber' },
  cancelled: { label: 'Deactivations discarded', tone: 'slate' },
} as const;
const COUNTS = ['read', 'created', 'updated', 'deactivated', 'archived', 'skipped', 'errors'] as const;
const COUNT_LABEL = { read: 'Read', created: 'Created', updated: 'Updated', deactivated: 'Deactivated', archived: 'Archived', skipped: 'Skipped', errors: 'Errors' } as const;

const time = (iso: string) => iso.slice(11, 19);

/** Sync runs, newest first; refreshes itself while a run is in progress. */
export function AzureRuns({ runs, stallSeconds, decide }: { runs: RunListItem[]; stallSeconds: number; decide: (input: unknown) => Promise<ActionResult<{ message?: string }>> }) {
  const router = useRouter();
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const live = runs.some((r) => !('idle' in r) && r.status === 'running');
  // Counts move while a run is going; otherwise new runs still appear within a few seconds.
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, live ? 1500 : 5000);
    return () => clearInterval(timer);
  }, [live, router]);

  if (runs.length === 0) {
    return (
      <EmptyState title="No sync has run yet">Connect a tenant; the first sync starts right after and then runs on its interval.</EmptyState>
    );
  }
  return (
    <div className="space-y-3">
      <Notice message={notice} />
      <ErrorNotice message={error} />
      {live ? (
        <p className="text-xs text-ink-muted" aria-live="polite">
          Updating while the sync runs…
        </p>
      ) : null}
      <div className="overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Sync runs">
          <thead className="text-left text-xs font-semibold uppercase tracking-wide text-ink-muted">
            <tr>
              <th className="py-2 pr-3">Started (UTC)</th>
              <th className="py-2 pr-3">Status</th>
              {COUNTS.map((c) => (
                <th key={c} className="py-2 pr-2 text-right normal-case tracking-normal">
                  {COUNT_LABEL[c]}
                </th>
              ))}
              <th className="py-2">
                <span className="sr-only">Events</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {runs.map((r) =>
              'idle' in r ? (
                <tr key={r.id} className="align-top" data-testid="runs-idle">
                  <td className="py-2 pr-3 text-xs text-ink-muted" colSpan={COUNTS.length + 3}>
                    {r.count === 1 ? '1 run' : `${r.count} runs`} without changes, {r.count === 1 ? time(r.to) : `${time(r.from)}–${time(r.to)}`} ({r.tenants.join(', ')})
                  </td>
                </tr>
              ) : (
              <tr key={r.id} className="align-top" data-testid={`run-${r.status}`}>
                <td className="py-3 pr-3 text-ink-muted">
                  <p className="whitespace-nowrap">{r.startedAt.replace('T', ' ').slice(0, 19)}</p>
                  <p className="break-all text-xs text-ink">{r.tenant}</p>
                  <p className="text-xs text-ink-subtle">
                    {r.trigger === 'settings' ? 'Re-evaluated after a settings change (no Graph read)' : `${r.full ? 'Full sync' : 'Changes only'} · ${r.trigger === 'manual' ? 'Sync now' : 'scheduled'}`}
                  </p>
                  {r.note ? <p className="text-xs text-ink-subtle">{r.trigger === 'settings' ? r.note : `Also re-evaluated: ${r.note}`}</p> : null}
                </td>
                <td className="w-56 py-3 pr-3">
                  <Badge tone={STATUS[r.status].tone}>{STATUS[r.status].label}</Badge>
                  {r.error ? <p className="mt-1 text-xs text-ink-muted">{r.error}</p> : null}
                  <Stalled run={r} stallSeconds={stallSeconds} />
                  {r.status === 'awaiting_confirmation' ? (
                    <div className="mt-2 space-y-2">
                      <p className="text-xs text-amber-900">
                        This run would deactivate <strong>{r.pendingCount}</strong> people — more than the connection allows without a check.
                      </p>
                      <div className="flex gap-2">
                        <Button
                          className="bg-red-600 py-1 hover:bg-red-700"
                          disabled={pending}
                          onClick={() =>
                            start(async () => {
                              const res = await decide({ runId: r.id, decision: 'confirm' });
                              if (res.ok) setNotice(res.data?.message ?? 'Done.');
                              else setError(res.error);
                              router.refresh();
                            })
                          }
                        >
                          Deactivate {r.pendingCount} people
                        </Button>
                        <Button
                          variant="secondary"
                          className="py-1"
                          disabled={pending}
                          onClick={() =>
                            start(async () => {
                              const res = await decide({ runId: r.id, decision: 'discard' });
                              if (res.ok) setNotice(res.data?.message ?? 'Done.');
                              else setError(res.error);
                              router.refresh();
                            })
                          }
                        >
                          Keep them active
                        </Button>
                      </div>
                    </div>
                  ) : null}
                </td>
                {COUNTS.map((c) => (
                  <td key={c} className={`py-3 pr-2 text-right tabular-nums ${r[c] ? 'text-ink' : 'text-ink-subtle'}`} data-count={c}>
                    {r[c]}
                  </td>
                ))}
                <td className="py-3 text-right">
                  <Link href={`/provisioning-log?source=azure&run=${r.id}`} className="whitespace-nowrap text-brand-600 hover:text-brand-700">
                    Events
                  </Link>
                </td>
              </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** A run in progress that has shown no sign of life for a while: say so, and when the watchdog ends it. */
function Stalled({ run, stallSeconds }: { run: RunView; stallSeconds: number }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => setNow(Date.now()), [run.progressAt]);
  if (run.status !== 'running' || !run.progressAt || now === null) return null;
  const quiet = (now - Date.parse(run.progressAt)) / 1000;
  if (quiet < Math.min(30, stallSeconds / 2)) return null;
  const stopAt = new Date(Date.parse(run.progressAt) + stallSeconds * 1000).toISOString();
  return (
    <p className="mt-1 text-xs text-amber-800" role="status">
      No progress since {time(run.progressAt)} UTC; it will be stopped at {time(stopAt)} if nothing moves.
    </p>
  );
}
