'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { ClientForm } from '@/components/ui/client-form';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/action';
import { previewSchema, type PreviewInput, type PreviewOutcome } from '@/lib/settings/preview-schema';

const ACTION_LABEL = { create: 'A new person would be created', update: 'The existing person would be updated', none: 'The existing person would sign in, unchanged' } as const;

/** Try an identity against the current settings and rules; nothing is written. */
export function LoginPreview({ preview }: { preview: (input: unknown) => Promise<ActionResult<PreviewOutcome>> }) {
  const [result, setResult] = useState<PreviewOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<PreviewInput>({
    resolver: zodResolver(previewSchema, undefined, { raw: true }) as unknown as Resolver<PreviewInput>,
    defaultValues: { source: 'sso', email: '', firstName: '', lastName: '', groups: '', domain: '', products: '', partnerOrgId: '', attributes: '' },
  });
  const submit = async (values: PreviewInput) => {
    setError(null);
    const res = await preview(values);
    if (res.ok && res.data) setResult(res.data);
    else if (!res.ok) setError(res.error);
  };
  const input = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm';
  const field = (name: keyof PreviewInput, label: string, textarea = false) => (
    <div>
      <label htmlFor={`pv-${name}`} className="mb-1 block text-sm font-medium text-ink">{label}</label>
      {textarea ? <textarea id={`pv-${name}`} rows={3} className={`${input} font-mono text-xs`} {...form.register(name)} /> : <input id={`pv-${name}`} className={input} {...form.register(name)} />}
      {form.formState.errors[name] ? <p className="mt-1 text-sm text-red-700">{String(form.formState.errors[name]?.message)}</p> : null}
    </div>
  );
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <ClientForm onSubmit={form.handleSubmit(submit)} className="space-y-3" aria-label="Login preview">
        <div>
          <label htmlFor="pv-source" className="mb-1 block text-sm font-medium text-ink">Source</label>
          <select id="pv-source" className={input} {...form.register('source')}>
            <option value="sso">SSO (SSO JIT Provisioning)</option>
            <option value="kaseyaone">KaseyaOne</option>
          </select>
        </div>
        {field('email', 'Email')}
        <div className="grid grid-cols-2 gap-3">
          {field('firstName', 'First name')}
          {field('lastName', 'Last name')}
        </div>
        {field('groups', 'Groups (one per line)', true)}
        <div className="grid grid-cols-2 gap-3">
          {field('domain', 'Domain (if the IdP sends one)')}
          {field('partnerOrgId', 'Partner org ID (KaseyaOne)')}
        </div>
        {field('products', 'Products (one per line; empty = no claim)', true)}
        {field('attributes', 'Other assertion attributes ("name: value" per line)', true)}
        <div className="flex items-center justify-between">
          <p className="text-sm text-red-700">{error}</p>
          <Button type="submit" disabled={form.formState.isSubmitting}>{form.formState.isSubmitting ? 'Checking…' : 'Preview login'}</Button>
        </div>
      </ClientForm>
      <section aria-label="Preview result" aria-live="polite" className="rounded-lg bg-slate-50 p-5">
        {result === null ? (
          <p className="text-sm text-ink-muted">The decision, the matched rule and the field changes appear here. Nothing is created or changed.</p>
        ) : (
          <div className="space-y-3 text-sm">
            <p className={`text-base font-semibold ${result.outcome === 'allow' ? 'text-emerald-700' : 'text-red-700'}`} data-testid="preview-outcome">
              {result.outcome === 'allow' ? `Allowed — ${ACTION_LABEL[result.action ?? 'none']}` : `Denied — ${result.reasonTitle}`}
            </p>
            {result.reason ? <p><span className="font-mono text-xs">{result.reason}</span> · {result.detail}</p> : null}
            <p data-testid="preview-rule"><span className="font-medium">Matched rule:</span> {result.rule ?? 'none'}</p>
            <div data-testid="preview-groups">
              <span className="font-medium">Groups:</span>{' '}
              {result.groups.length === 0 ? (
                <span className="text-ink-muted">none sent (the person’s stored groups for this source would be cleared)</span>
              ) : (
                <ul className="mt-1 flex flex-wrap gap-1.5" aria-label="Groups in the login">
                  {result.groups.map((g) => (
                    <li key={g.name} className={`rounded-full px-2 py-0.5 text-xs ring-1 ring-inset ${g.matched ? 'bg-emerald-50 text-emerald-800 ring-emerald-600/30' : 'bg-white text-ink-muted ring-slate-300'}`}>
                      {g.name}
                      {g.matched ? ' — matched the rule' : ''}
                    </li>
                  ))}
                </ul>
              )}
              {result.ruleAnyGroup ? <p className="text-xs text-ink-muted">The matched rule covers any group.</p> : null}
            </div>
            {result.changes.length ? (
              <ul className="space-y-0.5" data-testid="preview-changes">
                {result.changes.map((c) => (
                  <li key={c.field}><span className="font-medium" title={c.field}>{c.label}</span>: <span className="text-ink-muted">{c.before}</span> → {c.after}</li>
                ))}
              </ul>
            ) : result.outcome === 'allow' ? <p className="text-ink-muted">No field changes.</p> : null}
            {result.warnings.map((w) => <p key={w} className="text-amber-800">⚠ {w}</p>)}
          </div>
        )}
      </section>
    </div>
  );
}
