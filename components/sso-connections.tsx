'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useState, useTransition } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { ClientForm } from '@/components/ui/client-form';
import { Button } from '@/components/ui/button';
import { ConfirmDelete } from '@/components/ui/confirm-delete';
import { Notice } from '@/components/ui/notice';
import type { ActionResult } from '@/lib/auth/action';
import { oidcConnectionSchema, samlConnectionSchema, type ConnectionSummary } from '@/lib/sso/schemas';

type Actions = {
  addSaml: (input: unknown) => Promise<ActionResult>;
  addOidc: (input: unknown) => Promise<ActionResult>;
  remove: (input: unknown) => Promise<ActionResult>;
};

const KIND_LABEL = { sso: 'Sign in with SSO', kaseyaone: 'Log in with KaseyaOne' } as const;

export function SsoConnections({ connections, actions }: { connections: ConnectionSummary[]; actions: Actions }) {
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <div className="space-y-4">
      <Notice message={notice} />
      <ConnectionList connections={connections} remove={actions.remove} onDone={setNotice} />
      <AddConnection actions={actions} taken={new Set(connections.map((c) => c.kind))} onDone={setNotice} />
    </div>
  );
}

function ConnectionList({ connections, remove, onDone }: { connections: ConnectionSummary[]; remove: Actions['remove']; onDone: (m: string) => void }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  if (connections.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-slate-300 px-6 py-8 text-center">
        <p className="text-sm font-medium text-ink">No identity provider connected yet</p>
        <p className="mt-1 text-sm text-ink-muted">Add your IdP’s SAML metadata or OIDC details below. People then sign in from the login page.</p>
      </div>
    );
  }
  return (
    <div>
      {error ? (
        <p role="alert" className="mb-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="SSO connections">
        <thead className="text-left text-xs font-semibold uppercase tracking-wide text-ink-muted">
          <tr>
            <th className="py-2 pr-4">Used for</th>
            <th className="py-2 pr-4">Protocol</th>
            <th className="py-2 pr-4">Identity provider</th>
            <th className="py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {connections.map((c) => (
            <tr key={c.clientId}>
              <td className="py-3 pr-4 font-medium text-ink">{KIND_LABEL[c.kind]}</td>
              <td className="py-3 pr-4 uppercase text-ink-muted">{c.protocol}</td>
              <td className="py-3 pr-4 text-ink-muted">
                <Link href={`/admin/auth-provision/connections/${c.clientId}`} className="text-brand-600 hover:text-brand-700">
                  {c.idp}
                </Link>
                <span className="ml-2 text-xs text-ink-subtle">{c.provider}</span>
              </td>
              <td className="py-3 text-right">
                <ConfirmDelete
                  asking={confirming === c.kind}
                  onAsk={() => setConfirming(c.kind)}
                  onCancel={() => setConfirming(null)}
                  onConfirm={() =>
                    start(async () => {
                      const res = await remove({ kind: c.kind });
                      setConfirming(null);
                      if (res.ok) onDone('Connection deleted.');
                      else setError(res.error);
                    })
                  }
                  pending={pending}
                  askLabel={`Delete the ${KIND_LABEL[c.kind]} connection`}
                  askVariant="secondary"
                  warning="People will no longer sign in this way."
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type SamlForm = { kind: 'sso' | 'kaseyaone'; metadataXml?: string; metadataUrl?: string };
type OidcForm = { kind: 'sso' | 'kaseyaone'; discoveryUrl: string; clientId: string; clientSecret: string };

function AddConnection({ actions, taken, onDone }: { actions: Actions; taken: Set<string>; onDone: (m: string) => void }) {
  const [protocol, setProtocol] = useState<'saml' | 'oidc'>('saml');
  const [kind, setKind] = useState<'sso' | 'kaseyaone'>(taken.has('sso') && !taken.has('kaseyaone') ? 'kaseyaone' : 'sso');
  return (
    <div className="rounded-lg border border-slate-200 p-5">
      <h3 className="text-sm font-semibold text-ink">Add a connection</h3>
      <div className="mt-4 grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="conn-kind" className="mb-1 block text-sm font-medium text-ink">
            Used for
          </label>
          <select id="conn-kind" value={kind} onChange={(e) => setKind(e.target.value as 'sso' | 'kaseyaone')} className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm">
            <option value="sso">Sign in with SSO (SSO JIT Provisioning)</option>
            <option value="kaseyaone">Log in with KaseyaOne</option>
          </select>
        </div>
        <fieldset>
          <legend className="mb-1 block text-sm font-medium text-ink">Protocol</legend>
          <div className="flex gap-4 pt-2 text-sm">
            {(['saml', 'oidc'] as const).map((p) => (
              <label key={p} className="inline-flex items-center gap-2">
                <input type="radio" name="protocol" value={p} checked={protocol === p} onChange={() => setProtocol(p)} />
                {p === 'saml' ? 'SAML' : 'OIDC'}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      {protocol === 'saml' ? <SamlFields kind={kind} add={actions.addSaml} onDone={onDone} /> : <OidcFields kind={kind} add={actions.addOidc} onDone={onDone} />}
    </div>
  );
}

function useSubmit<T extends object>(add: (input: unknown) => Promise<ActionResult>, setError: (name: never, e: { message: string }) => void, onDone: (m: string) => void, reset: () => void) {
  const [formError, setFormError] = useState<string | null>(null);
  const submit = async (values: T) => {
    setFormError(null);
    const res = await add(values);
    if (res.ok) {
      reset();
      onDone('Connection added. People can now sign in with it.');
      return;
    }
    if (res.fieldErrors) for (const [name, message] of Object.entries(res.fieldErrors)) setError(name as never, { message });
    setFormError(res.error);
  };
  return { submit, formError };
}

function SamlFields({ kind, add, onDone }: { kind: SamlForm['kind']; add: Actions['addSaml']; onDone: (m: string) => void }) {
  const form = useForm<SamlForm>({ resolver: zodResolver(samlConnectionSchema) as Resolver<SamlForm>, values: { kind, metadataXml: '', metadataUrl: '' } });
  const { submit, formError } = useSubmit<SamlForm>(add, form.setError as never, onDone, () => form.reset());
  const err = form.formState.errors;
  return (
    <ClientForm onSubmit={form.handleSubmit(submit)} className="mt-4 space-y-4">
      <div>
        <label htmlFor="saml-file" className="mb-1 block text-sm font-medium text-ink">
          Metadata file
        </label>
        <input
          id="saml-file"
          type="file"
          accept=".xml,application/xml,text/xml"
          className="block text-sm"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) form.setValue('metadataXml', await file.text(), { shouldValidate: true });
          }}
        />
      </div>
      <TextArea label="Metadata XML" id="saml-xml" error={err.metadataXml?.message} {...form.register('metadataXml')} />
      <Input label="or Metadata URL" id="saml-url" placeholder="https://idp.example.com/metadata" error={err.metadataUrl?.message} {...form.register('metadataUrl')} />
      <FormFooter error={formError} pending={form.formState.isSubmitting} />
    </ClientForm>
  );
}

function OidcFields({ kind, add, onDone }: { kind: OidcForm['kind']; add: Actions['addOidc']; onDone: (m: string) => void }) {
  const form = useForm<OidcForm>({ resolver: zodResolver(oidcConnectionSchema) as Resolver<OidcForm>, values: { kind, discoveryUrl: '', clientId: '', clientSecret: '' } });
  const { submit, formError } = useSubmit<OidcForm>(add, form.setError as never, onDone, () => form.reset());
  const err = form.formState.errors;
  return (
    <ClientForm onSubmit={form.handleSubmit(submit)} className="mt-4 space-y-4">
      <Input label="Discovery URL" id="oidc-discovery" placeholder="https://idp.example.com/.well-known/openid-configuration" error={err.discoveryUrl?.message} {...form.register('discoveryUrl')} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Input label="Client ID" id="oidc-client-id" error={err.clientId?.message} {...form.register('clientId')} />
        <Input label="Client secret" id="oidc-client-secret" type="password" autoComplete="off" error={err.clientSecret?.message} {...form.register('clientSecret')} />
      </div>
      <FormFooter error={formError} pending={form.formState.isSubmitting} />
    </ClientForm>
  );
}

function FormFooter({ error, pending }: { error: string | null; pending: boolean }) {
  return (
    <div className="flex items-center justify-between gap-4">
      <p role={error ? 'alert' : undefined} className="text-sm text-red-700" data-testid="connection-error">
        {error}
      </p>
      <Button type="submit" disabled={pending}>
        {pending ? 'Adding…' : 'Add connection'}
      </Button>
    </div>
  );
}

type FieldProps = React.InputHTMLAttributes<HTMLInputElement> & { label: string; id: string; error?: string };
const fieldClass = (error?: string) =>
  `block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100 ${error ? 'border-red-400' : 'border-slate-300'}`;

function Input({ label, id, error, ...props }: FieldProps) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-ink">
        {label}
      </label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} className={fieldClass(error)} {...props} />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function TextArea({ label, id, error, ...props }: React.TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; id: string; error?: string }) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-ink">
        {label}
      </label>
      <textarea id={id} rows={5} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} className={`${fieldClass(error)} font-mono text-xs`} {...props} />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
