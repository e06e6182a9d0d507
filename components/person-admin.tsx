'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDelete } from '@/components/ui/confirm-delete';
import { Notice } from '@/components/ui/notice';
import type { ActionResult } from '@/lib/auth/action';
import { LOCKABLE_FIELDS } from '@/lib/people/person';

/** Deactivate/reactivate and field locks for one person (admins only). */
export function PersonAdmin({ personId, status, locked, isRoot, removed, update }: { personId: string; status: string; locked: string[]; isRoot: boolean; removed: boolean; update: (i: unknown) => Promise<ActionResult> }) {
  const [locks, setLocks] = useState(new Set(locked));
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [pending, start] = useTransition();
  const run = (input: object, done: string) =>
    start(async () => {
      setError(null);
      const res = await update({ personId, ...input });
      if (res.ok) setNotice(done);
      else setError(res.error);
    });
  return (
    <div className="space-y-5">
      <Notice message={notice} />
      {error ? <p role="alert" className="text-sm text-red-700">{error}</p> : null}
      <div className="flex items-center gap-3">
        {status === 'active' && isRoot ? (
          <Button variant="secondary" disabled>
            Deactivate
          </Button>
        ) : status === 'active' ? (
          <ConfirmDelete
            asking={asking}
            onAsk={() => setAsking(true)}
            onCancel={() => setAsking(false)}
            onConfirm={() => {
              setAsking(false);
              run({ status: 'inactive' }, 'Person deactivated.');
            }}
            pending={pending}
            askLabel="Deactivate"
            label="Deactivate"
            warning="They can no longer sign in."
            askVariant="secondary"
          />
        ) : (
          <Button variant="secondary" disabled={pending || removed} title={removed ? 'Restore the person below instead' : undefined} onClick={() => run({ status: 'active' }, 'Person reactivated.')}>
            Reactivate
          </Button>
        )}
        {isRoot ? <span className="text-xs text-ink-muted">The root user cannot be deactivated.</span> : null}
      </div>
      <fieldset className="border-t border-slate-100 pt-5">
        <legend className="float-left mb-1 w-full text-sm font-medium text-ink">Locked fields</legend>
        <p className="mb-2 text-xs text-ink-muted">A locked field keeps its value: SSO logins and directory sync no longer change it.</p>
        <div className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
          {Object.entries(LOCKABLE_FIELDS).map(([field, label]) => (
            <label key={field} className="inline-flex items-center gap-2">
              <input
                type="checkbox"
                checked={locks.has(field)}
                onChange={(e) => {
                  const next = new Set(locks);
                  if (e.target.checked) next.add(field);
                  else next.delete(field);
                  setLocks(next);
                }}
              />
              <span className="sr-only">Lock </span>
              {label}
            </label>
          ))}
        </div>
        <Button className="mt-3" disabled={pending} onClick={() => run({ lockedFields: [...locks] }, 'Locks saved.')}>
          Save locks
        </Button>
      </fieldset>
    </div>
  );
}
