'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { GuardFields } from '@/components/guard-fields';
import { ClientForm } from '@/components/ui/client-form';
import { Button } from '@/components/ui/button';
import { DialogFooter } from '@/components/ui/dialog-footer';
import { ConfirmDelete } from '@/components/ui/confirm-delete';
import { EmptyState, ErrorNotice, Notice } from '@/components/ui/notice';
import { Badge } from '@/components/ui/page';
import type { ActionResult } from '@/lib/auth/action';
import type { ConnectionRow } from '@/lib/azure/connections';
import { azureConnectionSchema, type AzureConnectionInput } from '@/lib/azure/schemas';

type Act<T = { message?: string }> = (input: unknown) => Promise<ActionResult<T>>;
export type ConnectionActions = { save: Act; remove: Act; connect: Act<{ url: string }>; verify: Act; sync: Act };

const STATUS: Record<ConnectionRow['status'], { label: string; tone: 'slate' | 'green' | 'amber' | 'red' | 'blue' }> = {
  new: { label: 'Not connected', tone: 'slate' },
  connected: { label: 'Connected', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
  reconnecting: { label: 'Reconnecting', tone: 'amber' },
  paused: { label: 'Paused', tone: 'amber' },
};
const EMAIL_SOURCE = { mail: 'Azure AD Email (mail)', user_principal_name: 'Microsoft Account Email (userPrincipalName)', other_mails: 'External AD Email (first of otherMails)' } as const;

const time = (d: Date | null) => (d ? new Date(d).toISOString().slice(11, 16) + ' UTC' : '—');
const when = (d: Date | null) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'Never');

export function AzureConnections({ connections, actions, banner }: { connections: ConnectionRow[]; actions: ConnectionActions; banner: { ok: boolean; text: string } | null }) {
  const [notice, setNotice] = useState<string | null>(banner?.ok ? banner.text : null);
  const [error, setError] = useState<string | null>(banner && !banner.ok ? banner.text : null);
  const [editing, setEditing] = useState<ConnectionRow | 'new' | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const router = useRouter();

  const run = (fn: () => Promise<ActionResult<{ message?: string }>>) =>
    start(async () => {
      setNotice(null);
      setError(null);
      const res = await fn();
      if (res.ok) setNotice(res.data?.message ?? 'Done.');
      else setError(res.error);
      router.refresh();
    });

  return (
    <div className="space-y-4">
      <Notice message={notice} />
      <ErrorNotice message={error} />
      {connections.length === 0 ? (
        <EmptyState title="No Azure AD tenant connected yet">Register an application in Microsoft Entra ID with the application permissions User.Read.All and GroupMember.Read.All, then add it here.</EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Azure AD connections">
            <thead className="text-left text-xs font-semibold uppercase tracking-wide text-ink-muted">
              <tr>
                <th className="py-2 pr-4">Tenant</th>
                <th className="py-2 pr-4">Status</th>
                <th className="py-2 pr-4">Sync</th>
                <th className="py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {connections.map((c) => (
                <tr key={c.id} className="align-top">
                  <td className="py-3 pr-4">
                    <p className="break-all font-medium text-ink">{c.tenant}</p>
                    <dl className="mt-1 space-y-0.5 text-xs text-ink-muted">
                      {c.tenantId && c.tenantId !== c.tenant ? (
                        <div>
                          <dt className="inline">Tenant id </dt>
                          <dd className="inline font-mono">{c.tenantId}</dd>
                        </div>
                      ) : null}
                      <div>
                        <dt className="inline">Application ID </dt>
                        <dd className="inline font-mono">{c.applicationId}</dd>
                      </div>
                      <div>
                        <dt className="inline">Application Key </dt>
                        <dd className="inline font-mono">{c.keyMasked}</dd>
                      </div>
                    </dl>
                  </td>
                  <td className="w-56 py-3 pr-4" data-testid={`status-${c.tenant}`}>
                    <Badge tone={STATUS[c.status].tone}>{STATUS[c.status].label}</Badge>
                    {c.status === 'reconnecting' && c.reconnectAt ? <p className="mt-1 text-xs text-amber-800">Reconnecting at {time(c.reconnectAt)}</p> : null}
                    {c.statusDetail ? <p className="mt-1 text-xs text-ink-muted">{c.statusDetail}</p> : null}
                  </td>
                  <td className="whitespace-nowrap py-3 pr-4 text-xs text-ink-muted">
                    <p>Last: {when(c.lastSyncAt)}</p>
                    <p>Next: {c.consentedAt && c.status !== 'paused' ? when(c.nextSyncAt) : '—'}</p>
                  </td>
                  <td className="py-3">
                    <div className="flex w-52 flex-wrap items-center justify-end gap-1">
                      <Button
                        variant={c.consentedAt ? 'secondary' : 'primary'}
                        className="py-1"
                        disabled={pending}
                        aria-label={`Connect ${c.tenant}`}
                        onClick={() =>
                          start(async () => {
                            setError(null);
                            const res = await actions.connect({ id: c.id });
                            if (res.ok && res.data) window.location.assign(res.data.url);
                            else if (!res.ok) setError(res.error);
                          })
                        }
                      >
                        {c.consentedAt ? 'Reconnect' : 'Connect'}
                      </Button>
                      {c.consentedAt ? (
                        <Button variant="ghost" className="py-1" disabled={pending} aria-label={`Check ${c.tenant}`} title="Get a token and read Graph again, e.g. after replacing the key" onClick={() => run(() => actions.verify({ id: c.id }))}>
                          Check
                        </Button>
                      ) : null}
                      <Button variant="secondary" className="py-1" disabled={pending || !c.consentedAt || c.status === 'paused'} aria-label={`Sync ${c.tenant}`} onClick={() => run(() => actions.sync({ id: c.id }))}>
                        Sync
                      </Button>
                      <Button variant="ghost" className="py-1" disabled={pending} aria-label={`Edit ${c.tenant}`} onClick={() => setEditing(c)}>
                        Edit
                      </Button>
                      <ConfirmDelete
                        asking={confirming === c.id}
                        onAsk={() => setConfirming(c.id)}
                        onCancel={() => setConfirming(null)}
                        onConfirm={() => run(() => actions.remove({ id: c.id }))}
                        pending={pending}
                        askLabel={`Delete ${c.tenant}`}
                        askClassName="text-red-700"
                      />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Button onClick={() => setEditing('new')}>Add connection</Button>
      {editing ? (
        <ConnectionDialog
          connection={editing === 'new' ? null : editing}
          save={actions.save}
          onClose={(message) => {
            setEditing(null);
            if (message) {
              setNotice(message);
              router.refresh();
            }
          }}
        />
      ) : null}
    </div>
  );
}

function ConnectionDialog({ connection, save, onClose }: { connection: ConnectionRow | null; save: Act; onClose: (message?: string) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => ref.current?.showModal(), []);
  const form = useForm<AzureConnectionInput>({
    resolver: zodResolver(azureConnectionSchema, undefined, { raw: true }) as Resolver<AzureConnectionInput>,
    defaultValues: {
      id: connection?.id ?? '',
      tenant: connection?.tenant ?? '',
      applicationId: connection?.applicationId ?? '',
      applicationKey: '',
      emailSource: connection?.emailSource ?? 'mail',
      intervalSeconds: connection?.intervalSeconds ?? 60,
      guardPercent: connection?.guardPercent ?? 20,
      guardMinimum: connection?.guardMinimum ?? 10,
      maxFailures: connection?.maxFailures ?? 5,
    },
  });
  const [formError, setFormError] = useState<string | null>(null);
  const err = form.formState.errors;
  const submit = async (values: AzureConnectionInput) => {
    setFormError(null);
    const res = await save(values);
    if (res.ok) return onClose(res.data?.message ?? 'Saved.');
    for (const [name, message] of Object.entries(res.fieldErrors ?? {})) form.setError(name as keyof AzureConnectionInput, { message });
    setFormError(res.error);
  };
  const input = (name: keyof AzureConnectionInput, label: string, props: Record<string, unknown> = {}) => (
    <div>
      <label htmlFor={`az-${name}`} className="mb-1 block text-sm font-medium text-ink">
        {label}
      </label>
      <input
        id={`az-${name}`}
        aria-invalid={err[name] ? true : undefined}
        aria-describedby={err[name] ? `az-${name}-error` : undefined}
        className={`block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-sm ${err[name] ? 'border-red-400' : 'border-slate-300'}`}
        {...props}
        {...form.register(name)}
      />
      {err[name] ? (
        <p id={`az-${name}-error`} className="mt-1 text-sm text-red-700">
          {err[name]?.message}
        </p>
      ) : null}
    </div>
  );
  return (
    <dialog ref={ref} onClose={() => onClose()} aria-labelledby="az-dialog-title" className="m-auto w-full max-w-2xl rounded-xl p-0 shadow-xl backdrop:bg-slate-900/40">
      <ClientForm onSubmit={form.handleSubmit(submit)} className="space-y-5 p-6">
        <div>
          <h2 id="az-dialog-title" className="text-lg font-semibold text-ink">
            {connection ? 'Edit connection' : 'Add connection'}
          </h2>
          <p className="mt-1 text-sm text-ink-muted">From the app registration in Microsoft Entra ID (Azure portal › App registrations).</p>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          {input('tenant', 'Tenant Domain Name', { placeholder: 'contoso.onmicrosoft.com or tenant id' })}
          {input('applicationId', 'Application ID', { placeholder: '00000000-0000-0000-0000-000000000000' })}
          <div className="sm:col-span-2">
            {input('applicationKey', 'Application Key', {
              type: 'password',
              autoComplete: 'off',
              placeholder: connection ? `Saved (${connection.keyMasked}); leave empty to keep it` : 'The client secret’s value',
            })}
          </div>
        </div>
        <fieldset className="grid gap-4 border-t border-slate-200 pt-4 sm:grid-cols-2">
          <legend className="sr-only">Sync settings</legend>
          <div className="sm:col-span-2">
            <label htmlFor="az-emailSource" className="mb-1 block text-sm font-medium text-ink">
              Email source
            </label>
            <select id="az-emailSource" aria-describedby="az-emailSource-hint" className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm" {...form.register('emailSource')}>
              {Object.entries(EMAIL_SOURCE).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
            <p id="az-emailSource-hint" className="mt-1 text-xs text-ink-muted">
              People are matched and created by this address. Changing it re-evaluates every synced user at once, from what Azure AD last sent (no wait for the next change there): people whose email you did not edit get the address from the new source, and users skipped for a missing email are created if the new source has one.
            </p>
          </div>
          {input('intervalSeconds', 'Sync interval (seconds)', { type: 'number', min: 10 })}
          {input('maxFailures', 'Failures before reconnecting', { type: 'number', min: 1 })}
          <p id="az-guard-hint" className="text-xs text-ink-muted sm:col-span-2">
            Mass-deactivation guard: when one sync run would deactivate more than this share of the tenant’s active people, and at least this many, the run pauses until an admin confirms or discards it under Sync runs.
          </p>
          <GuardFields idPrefix="az" when="Pause when a run" percent={form.register('guardPercent')} minimum={form.register('guardMinimum')} errors={{ guardPercent: err.guardPercent?.message, guardMinimum: err.guardMinimum?.message }} />
        </fieldset>
        <DialogFooter error={formError} onCancel={() => ref.current?.close()} saving={form.formState.isSubmitting} />
      </ClientForm>
    </dialog>
  );
}
