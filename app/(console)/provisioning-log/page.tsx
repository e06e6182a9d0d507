import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { Pager } from '@/components/pager';
import { Badge, Card, PageHeader } from '@/components/ui/page';
import { TableSkeleton } from '@/components/ui/skeleton';
import { EVENT_TYPES, listEvents, logFiltersSchema, type LogFilters } from '@/lib/audit/log';
import { requireAdmin } from '@/lib/auth/viewer';
import { getDb } from '@/lib/db/client';
import { flatParams } from '@/lib/pagination';
import { REASONS, reasonTitle, SCIM_REASONS, SSO_FAILURE_REASONS, SYNC_REASONS } from '@/lib/provisioning/reasons';
import { findUnattributedFailure } from '@/lib/sso/failures';

export const metadata: Metadata = { title: 'Provisioning Log' };

const TYPE_LABEL: Record<(typeof EVENT_TYPES)[number], string> = {
  login_allowed: 'Login allowed',
  login_denied: 'Login denied',
  person_created: 'Person created',
  person_updated: 'Person updated',
  person_deactivated: 'Person deactivated',
  person_reactivated: 'Person reactivated',
  person_archived: 'Person archived',
  person_merged: 'Person merged',
  settings_changed: 'Settings changed',
  sync_skipped: 'Sync skipped',
  person_removed: 'Person removed',
  person_restored: 'Person restored',
  sso_failed: 'Sign-in failed',
  scim_request_refused: 'SCIM request refused',
};
const TYPE_TONE = { login_denied: 'red', sso_failed: 'red', sync_skipped: 'amber', person_deactivated: 'red', person_removed: 'red', person_restored: 'green', scim_request_refused: 'red', person_created: 'green', person_updated: 'blue', settings_changed: 'amber' } as const;
const SOURCES = { kaseyaone: 'KaseyaOne', sso: 'SSO', azure: 'Azure AD', scim: 'SCIM', admin: 'Admin', local: 'Local' } as const;

export default async function ProvisioningLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireAdmin();
  const params = flatParams(await searchParams);
  const filters = logFiltersSchema.parse(params);
  const select = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm';
  return (
    <>
      <PageHeader trail={['Admin', 'My Company']} title="Provisioning Log" description="Every login decision and every provisioning change, with its reason. End users see a reference when a sign-in is denied or fails: paste it here." />
      <Card className="mb-4 p-4">
        <form method="get" className="grid gap-3 md:grid-cols-4" aria-label="Filter the log">
          {filters.directory ? <input type="hidden" name="directory" value={filters.directory} /> : null}
          <Filter label="Reference" name="ref" defaultValue={params.ref} placeholder="e.g. 3f2a…" />
          <Filter label="Person" name="person" defaultValue={params.person} placeholder="name or email" />
          <div>
            <label htmlFor="f-type" className="mb-1 block text-xs font-medium text-ink-muted">Event</label>
            <select id="f-type" name="type" defaultValue={filters.type ?? ''} className={select}>
              <option value="">Any</option>
              {EVENT_TYPES.map((t) => <option key={t} value={t}>{TYPE_LABEL[t]}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor="f-reason" className="mb-1 block text-xs font-medium text-ink-muted">Reason code</label>
            <select id="f-reason" name="reason" defaultValue={filters.reason ?? ''} className={select}>
              <option value="">Any</option>
              {[...new Set([...Object.keys(REASONS), ...Object.keys(SYNC_REASONS), ...Object.keys(SCIM_REASONS), ...Object.keys(SSO_FAILURE_REASONS)])].map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor="f-source" className="mb-1 block text-xs font-medium text-ink-muted">Source</label>
            <select id="f-source" name="source" defaultValue={filters.source ?? ''} className={select}>
              <option value="">Any</option>
              {Object.entries(SOURCES).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
            </select>
          </div>
          <Filter label="From" name="from" type="date" defaultValue={filters.from} />
          <Filter label="To" name="to" type="date" defaultValue={filters.to} />
          <div className="flex items-end gap-2">
            <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">Apply filters</button>
            <Link href="/provisioning-log" className="px-2 py-2 text-sm text-ink-muted hover:text-ink">Clear</Link>
          </div>
        </form>
      </Card>
      <Suspense
        key={JSON.stringify(filters)}
        fallback={
          <Card className="overflow-hidden">
            <TableSkeleton label="Loading events" columns={5} />
          </Card>
        }
      >
        <LogResults organizationId={viewer.organizationId} filters={filters} params={params} />
      </Suspense>
    </>
  );
}

async function LogResults({ organizationId, filters, params }: { organizationId: string; filters: LogFilters; params: Record<string, string | undefined> }) {
  const log = await listEvents(getDb(), organizationId, filters);
  // A reference for a sign-in that failed before it named any organization is not one of ours, but the person was told to bring it here.
  const unattributed = filters.ref && log.rows.length === 0 ? await findUnattributedFailure(getDb(), filters.ref) : null;
  return (
    <Card className="overflow-hidden">
      {unattributed ? (
        <div className="p-10 text-center" data-testid="unattributed-failure">
          <p className="text-sm font-medium text-ink">A sign-in that failed before it could be tied to an organization</p>
          <p className="mt-1 text-sm text-ink-muted">
            {unattributed.createdAt.toISOString().slice(0, 19).replace('T', ' ')} UTC · <span className="font-mono text-xs">{unattributed.reasonCode}</span> — {reasonTitle(unattributed.reasonCode, 'sso')}
          </p>
          <p className="mt-1 text-sm text-ink-muted">The response named no identity provider connected to an organization here (or the platform KaseyaOne IdP). Check the identity provider’s entity id and the SSO connection.</p>
        </div>
      ) : log.rows.length === 0 ? (
        <div className="p-10 text-center">
          <p className="text-sm font-medium text-ink">No events match</p>
          <p className="mt-1 text-sm text-ink-muted">Logins, provisioning changes and settings changes appear here as they happen.</p>
        </div>
      ) : (
        <table className="w-full table-fixed divide-y divide-slate-200 text-sm" aria-label="Provisioning events">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-ink-muted">
            <tr>
              <th scope="col" className="w-44 px-4 py-3">Time (UTC)</th>
              <th scope="col" className="w-40 px-4 py-3">Event</th>
              <th scope="col" className="w-56 px-4 py-3">Person</th>
              <th scope="col" className="w-28 px-4 py-3">Source</th>
              <th scope="col" className="px-4 py-3">Why / what changed</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {log.rows.map((e) => (
              <tr key={e.id} data-event-id={e.id}>
                <td className="whitespace-nowrap px-4 py-3 text-ink-muted">{e.createdAt.toISOString().slice(0, 19).replace('T', ' ')}</td>
                <td className="px-4 py-3">
                  <Badge tone={TYPE_TONE[e.type as keyof typeof TYPE_TONE] ?? 'slate'}>{TYPE_LABEL[e.type]}</Badge>
                  <Link href={`/provisioning-log?ref=${e.id}`} title={e.id} className="mt-1 block font-mono text-[11px] text-ink-subtle hover:text-brand-700">
                    <span className="sr-only">Only event </span>
                    {e.id.slice(0, 8)}…
                  </Link>
                </td>
                <td className="px-4 py-3 wrap-anywhere">
                  <p className="text-ink">{e.personName ?? e.actorName ?? '—'}</p>
                  <p className="text-xs text-ink-muted">{e.personEmail ?? (e.actorName ? 'by an admin' : '')}</p>
                </td>
                <td className="px-4 py-3 text-ink-muted">{SOURCES[e.source as keyof typeof SOURCES] ?? e.source}</td>
                <td className="px-4 py-3 wrap-anywhere">
                  {e.reasonCode ? (
                    <p className="text-ink">
                      <span className="font-mono text-xs">{e.reasonCode}</span>
                      {reasonTitle(e.reasonCode, e.source) ? ` — ${reasonTitle(e.reasonCode, e.source)}` : ''}
                    </p>
                  ) : null}
                  {typeof e.detail.detail === 'string' ? <p className="text-xs text-ink-muted">{e.detail.detail}</p> : null}
                  {e.diff.length ? (
                    <ul className="mt-1 space-y-0.5 text-xs">
                      {e.diff.map((d) => (
                        <li key={d.field}>
                          <span className="font-medium text-ink" title={d.field}>{d.label}</span>: <span className={`text-ink-muted ${d.before === '—' ? '' : 'line-through decoration-slate-300'}`}>{d.before}</span> → <span className="text-ink">{d.after}</span>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={log.page} pageSize={log.pageSize} total={log.total} params={params} basePath="/provisioning-log" />
    </Card>
  );
}

function Filter({ label, name, ...props }: React.InputHTMLAttributes<HTMLInputElement> & { label: string; name: string }) {
  return (
    <div>
      <label htmlFor={`f-${name}`} className="mb-1 block text-xs font-medium text-ink-muted">{label}</label>
      <input id={`f-${name}`} name={name} className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm" {...props} />
    </div>
  );
}
