'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useEffect, useRef, useState, useTransition } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { CopyField } from '@/components/copy-field';
import { GuardFields } from '@/components/guard-fields';
import { Button } from '@/components/ui/button';
import { DialogFooter } from '@/components/ui/dialog-footer';
import { ClientForm } from '@/components/ui/client-form';
import { ConfirmDelete } from '@/components/ui/confirm-delete';
import { EmptyState, ErrorNotice, Notice } from '@/components/ui/notice';
import type { ActionResult } from '@/lib/auth/action';
import { directoryGuardSchema, directorySchema, SCIM_PROVIDERS, type DirectoryGuardInput, type DirectoryInput, type DirectorySecret, type DirectorySummary } from '@/lib/scim/schemas';

type Actions = {
  add: (input: unknown) => Promise<ActionResult<DirectorySecret>>;
  rotate: (input: unknown) => Promise<ActionResult<DirectorySecret>>;
  remove: (input: unknown) => Promise<ActionResult>;
  settle: (input: unknown) => Promise<ActionResult>;
  saveGuard: (input: unknown) => Promise<ActionResult>;
};

const when = (d: Date | null) => (d ? new Date(d).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC' : 'Never');

export function ScimDirectories({ directories, actions }: { directories: DirectorySummary[]; actions: Actions }) {
  const [secret, setSecret] = useState<(DirectorySecret & { why: string }) | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [editingGuard, setEditingGuard] = useState<DirectorySummary | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-4">
      <Notice message={notice} />
      <ErrorNotice message={error} />
      {secret ? <SecretPanel secret={secret} onClose={() => setSecret(null)} /> : null}
      {directories.length === 0 ? (
        <EmptyState title="No directory yet">Add one, then paste its SCIM base URL and token into your IdP’s provisioning settings.</EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="SCIM directories">
            <thead className="text-left text-xs font-semibold uppercase tracking-wide text-ink-muted">
              <tr>
                <th className="py-2 pr-4">Name</th>
                <th className="py-2 pr-4">Provider</th>
                <th className="py-2 pr-4">Users</th>
                <th className="py-2 pr-4">Groups</th>
                <th className="py-2 pr-4">Last request</th>
                <th className="py-2 pr-4">Deactivation guard</th>
                <th className="py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {directories.map((d) => (
                <tr key={d.id}>
                  <td className="py-3 pr-4">
                    <span className="font-medium text-ink">{d.name}</span>
                    <span className="mt-0.5 block break-all font-mono text-xs text-ink-subtle">{d.endpoint}</span>
                  </td>
                  <td className="py-3 pr-4 text-ink-muted">{d.providerLabel}</td>
                  <td className="py-3 pr-4 text-ink-muted">{d.users}</td>
                  <td className="py-3 pr-4 text-ink-muted">{d.groups}</td>
                  <td className="py-3 pr-4 text-ink-muted">{when(d.lastRequestAt)}</td>
                  <td className="w-44 py-3 pr-4 text-ink-muted">
                    <span className="block">
                      More than {d.guardPercent} %, at least {d.guardMinimum} {d.guardMinimum === 1 ? 'person' : 'people'}
                    </span>
                    <Button variant="ghost" className="-ml-2 px-2 py-0.5 text-xs" disabled={pending} aria-label={`Edit the deactivation guard of ${d.name}`} onClick={() => setEditingGuard(d)}>
                      Edit guard
                    </Button>
                    {d.held > 0 ? (
                      <span className="mt-1 flex flex-wrap items-center gap-1">
                        <span className="text-xs font-medium text-red-700">
                          {d.held} {d.held === 1 ? 'deactivation' : 'deactivations'} held
                        </span>
                        {([true, false] as const).map((confirm) => (
                          <Button
                            key={String(confirm)}
                            variant="secondary"
                            className="px-2 py-0.5 text-xs"
                            disabled={pending}
                            aria-label={`${confirm ? 'Confirm' : 'Discard'} the held deactivations of ${d.name}`}
                            onClick={() =>
                              start(async () => {
                                setError(null);
                                const res = await actions.settle({ id: d.id, confirm });
                                if (res.ok) setNotice(confirm ? 'Held deactivations applied.' : 'Held deactivations discarded.');
                                else setError(res.error);
                              })
                            }
                          >
                            {confirm ? 'Confirm' : 'Discard'}
                          </Button>
                        ))}
                      </span>
                    ) : null}
                  </td>
                  <td className="py-3">
                    <div className="flex w-48 flex-wrap items-center justify-end gap-1">
                      <Link href={`/provisioning-log?directory=${d.id}`} className="px-2 text-sm font-medium text-brand-600 hover:text-brand-700">
                        Events
                      </Link>
                      <Button
                        variant="secondary"
                        className="py-1"
                        aria-label={`Rotate the token of ${d.name}`}
                        disabled={pending}
                        onClick={() =>
                          start(async () => {
                            setError(null);
                            const res = await actions.rotate({ id: d.id });
                            if (res.ok && res.data) setSecret({ ...res.data, why: `New token for ${d.name}. The old one stopped working just now.` });
                            else if (!res.ok) setError(res.error);
                          })
                        }
                      >
                        Rotate token
                      </Button>
                      <ConfirmDelete
                        asking={confirming === d.id}
                        onAsk={() => setConfirming(d.id)}
                        onCancel={() => setConfirming(null)}
                        pending={pending}
                        askLabel={`Delete directory ${d.name}`}
                        askVariant="secondary"
                        warning="The IdP can no longer push; people it created stay."
                        onConfirm={() =>
                          start(async () => {
                            setError(null);
                            const res = await actions.remove({ id: d.id });
                            setConfirming(null);
                            if (res.ok) {
                              setSecret(null);
                              setNotice('Directory deleted.');
                            } else setError(res.error);
                          })
                        }
                      />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editingGuard ? (
        <GuardDialog
          directory={editingGuard}
          save={actions.saveGuard}
          onClose={(message) => {
            setEditingGuard(null);
            if (message) {
              setError(null);
              setNotice(message);
            }
          }}
        />
      ) : null}
      <AddDirectory add={actions.add} onAdded={(s) => setSecret({ ...s, why: 'Directory added.' })} />
    </div>
  );
}

function SecretPanel({ secret, onClose }: { secret: DirectorySecret & { why: string }; onClose: () => void }) {
  return (
    <section aria-label="SCIM connection details" className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <p className="text-sm font-medium text-ink">{secret.why} Copy the token now: it is shown only this once.</p>
      <CopyField label="SCIM base URL" value={secret.endpoint} />
      <CopyField label="Bearer token" value={secret.token} />
      <Button variant="secondary" onClick={onClose}>
        I have copied it
      </Button>
    </section>
  );
}

function AddDirectory({ add, onAdded }: { add: Actions['add']; onAdded: (s: DirectorySecret) => void }) {
  const form = useForm<DirectoryInput>({ resolver: zodResolver(directorySchema) as Resolver<DirectoryInput>, defaultValues: { name: '', provider: 'azure-scim-v2' } });
  const [formError, setFormError] = useState<string | null>(null);
  const err = form.formState.errors;
  return (
    <div className="rounded-lg border border-slate-200 p-5">
      <h3 className="text-sm font-semibold text-ink">Add a directory</h3>
      <ClientForm
        aria-label="Add a directory"
        className="mt-4 grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-start"
        onSubmit={form.handleSubmit(async (values) => {
          setFormError(null);
          const res = await add(values);
          if (res.ok && res.data) {
            form.reset();
            onAdded(res.data);
            return;
          }
          if (!res.ok) {
            for (const [name, message] of Object.entries(res.fieldErrors ?? {})) form.setError(name as keyof DirectoryInput, { message });
            setFormError(res.error);
          }
        })}
      >
        <div>
          <label htmlFor="scim-name" className="mb-1 block text-sm font-medium text-ink">
            Directory name
          </label>
          <input id="scim-name" aria-invalid={err.name ? true : undefined} aria-describedby={err.name ? 'scim-name-error' : undefined} className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm" {...form.register('name')} />
          {err.name ? (
            <p id="scim-name-error" className="mt-1 text-sm text-red-700">
              {err.name.message}
            </p>
          ) : null}
        </div>
        <div>
          <label htmlFor="scim-provider" className="mb-1 block text-sm font-medium text-ink">
            Provider type
          </label>
          <select id="scim-provider" className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm" {...form.register('provider')}>
            {Object.entries(SCIM_PROVIDERS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" className="sm:mt-6" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? 'Adding…' : 'Add directory'}
        </Button>
        {formError ? (
          <p role="alert" className="text-sm text-red-700 sm:col-span-3">
            {formError}
          </p>
        ) : null}
      </ClientForm>
    </div>
  );
}

/** The directory's mass-deactivation guard, edited like an Azure AD connection's (same fields, same messages). */
function GuardDialog({ directory, save, onClose }: { directory: DirectorySummary; save: Actions['saveGuard']; onClose: (message?: string) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => ref.current?.showModal(), []);
  const form = useForm<DirectoryGuardInput>({
    resolver: zodResolver(directoryGuardSchema, undefined, { raw: true }) as Resolver<DirectoryGuardInput>,
    defaultValues: { id: directory.id, guardPercent: directory.guardPercent, guardMinimum: directory.guardMinimum },
  });
  const [formError, setFormError] = useState<string | null>(null);
  const err = form.formState.errors;
  const submit = async (values: DirectoryGuardInput) => {
    setFormError(null);
    const res = await save(values);
    if (res.ok) return onClose(`Guard of ${directory.name} saved.`);
    for (const [name, message] of Object.entries(res.fieldErrors ?? {})) form.setError(name as keyof DirectoryGuardInput, { message });
    setFormError(res.error);
  };
  return (
    <dialog ref={ref} onClose={() => onClose()} aria-labelledby="scim-guard-title" aria-describedby="scim-guard-what" className="m-auto w-full max-w-lg rounded-xl p-0 shadow-xl backdrop:bg-slate-900/40">
      <ClientForm onSubmit={form.handleSubmit(submit)} aria-label="Deactivation guard" className="space-y-5 p-6">
        <div>
          <h2 id="scim-guard-title" className="text-lg font-semibold text-ink">
            Deactivation guard of {directory.name}
          </h2>
          <p id="scim-guard-what" className="mt-1 text-sm text-ink-muted">
            When your IdP deactivates more than this share of the directory’s active people within 10 minutes, and at least this many, those deactivations wait here until an admin confirms or discards them.
          </p>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <GuardFields idPrefix="scim" when="Hold when 10 minutes of pushes" percent={form.register('guardPercent')} minimum={form.register('guardMinimum')} errors={{ guardPercent: err.guardPercent?.message, guardMinimum: err.guardMinimum?.message }} />
        </div>
        <DialogFooter error={formError} onCancel={() => ref.current?.close()} saving={form.formState.isSubmitting} />
      </ClientForm>
    </dialog>
  );
}
