'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import type { ActionResult } from '@/lib/auth/action';

type Props = {
  personId: string;
  removed: { at: string; reason: string | null } | null;
  blocked: string | null;
  remove: (i: unknown) => Promise<ActionResult>;
  restore: (i: unknown) => Promise<ActionResult>;
};

/** Remove (a tombstone, with the reason) or Restore one person; both land in the log. */
export function PersonRemoval({ personId, removed, blocked, remove, restore }: Props) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const run = (action: Props['remove'], input: object, done: string) =>
    start(async () => {
      setError(null);
      const res = await action({ personId, ...input });
      if (!res.ok) return setError(res.fieldErrors?.reason ?? res.error);
      setAsking(false);
      setReason('');
      setNotice(done);
    });

  return (
    <section aria-label="Removal" className="space-y-3 border-t border-slate-100 pt-5">
      <Notice message={notice} />
      {removed ? (
        <>
          <p className="text-sm text-ink">
            Removed on {removed.at}
            {removed.reason ? <>: <span className="italic">{removed.reason}</span></> : null}. Logins and directory sync will not bring them back.
          </p>
          <Button variant="secondary" disabled={pending} onClick={() => run(restore, {}, 'Person restored.')}>
            Restore
          </Button>
        </>
      ) : asking ? (
        <div className="space-y-2">
          <label htmlFor="remove-reason" className="block text-sm font-medium text-ink">
            Reason for removal
          </label>
          <textarea
            id="remove-reason"
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby="remove-hint"
            className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
          <p id="remove-hint" className="text-xs text-ink-muted">
            They are deactivated, and neither KaseyaOne/SSO logins nor Azure AD sync re-create them until restored.
          </p>
          <span className="flex gap-2">
            <Button className="bg-red-600 hover:bg-red-700" disabled={pending} onClick={() => run(remove, { reason }, 'Person removed.')}>
              Confirm remove
            </Button>
            <Button variant="ghost" onClick={() => setAsking(false)}>
              Cancel
            </Button>
          </span>
        </div>
      ) : (
        <div className="flex items-center gap-3">
          <Button variant="secondary" disabled={pending || blocked !== null} onClick={() => setAsking(true)}>
            Remove
          </Button>
          {blocked ? <span className="text-xs text-ink-muted">{blocked}</span> : null}
        </div>
      )}
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </section>
  );
}
