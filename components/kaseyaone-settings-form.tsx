'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { ClientForm } from '@/components/ui/client-form';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import type { ActionResult } from '@/lib/auth/action';
import type { KaseyaOneSettingsView } from '@/lib/settings/kaseyaone';
import { seatWarning } from '@/lib/settings/seats';
import { DEFAULT_FIELDS, kaseyaOneSettingsSchema, type KaseyaOneSettings } from '@/lib/settings/schemas';

type Form = Omit<KaseyaOneSettings, 'kaseyaOneOrgId' | 'seatCap'> & { kaseyaOneOrgId: string; seatCap: string | number };

export function KaseyaOneSettingsForm({ view, twoFactorEnabled, save }: { view: KaseyaOneSettingsView; twoFactorEnabled: boolean; save: (input: unknown) => Promise<ActionResult> }) {
  const router = useRouter();
  const [notice, setNotice] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const defaults = { ...view.values, kaseyaOneOrgId: view.values.kaseyaOneOrgId ?? '', seatCap: view.values.seatCap ?? '' } as Form;
  for (const [field] of DEFAULT_FIELDS) (defaults as Record<string, unknown>)[field] = view.values[field] ?? '';
  // `values`, not a remount keyed by them: the saved values reach the form after router.refresh(),
  // and the confirmation (state of this component) stays on screen.
  const form = useForm<Form>({ resolver: zodResolver(kaseyaOneSettingsSchema) as unknown as Resolver<Form>, values: defaults });
  const loginEnabled = form.watch('loginEnabled');
  const autoCreation = form.watch('autoCreationEnabled');
  const showDefaults = view.everEnabled || autoCreation;
  const err = form.formState.errors;
  // Seed 002: switching KaseyaOne login on needs the admin's own two-factor (the server refuses too).
  const needsTwoFactor = !twoFactorEnabled && !view.values.loginEnabled;

  const submit = async (values: Form) => {
    setNotice(null);
    setFormError(null);
    const res = await save(values);
    if (res.ok) {
      setNotice('Settings saved.');
      router.refresh();
      return;
    }
    for (const [name, message] of Object.entries(res.fieldErrors ?? {})) form.setError(name as keyof Form, { message });
    setFormError(res.error);
  };

  return (
    <ClientForm onSubmit={form.handleSubmit(submit)} className="space-y-6">
      <Notice message={notice} />
      <Switch
        id="k1-login"
        label="Enable Log In With KaseyaOne"
        description="When on, users of your KaseyaOne partner organization can sign in with KaseyaOne."
        disabled={needsTwoFactor}
        error={err.loginEnabled?.message}
        note={
          needsTwoFactor ? (
            <p data-testid="k1-needs-two-factor" className="mt-1 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Only an administrator with two-factor authentication on can enable Log In With KaseyaOne, and yours is off.{' '}
              <Link href="/account/two-factor" className="font-medium text-brand-700 underline">
                Set up two-factor authentication
              </Link>
            </p>
          ) : null
        }
        {...form.register('loginEnabled', {
          onChange: (e) => {
            if (!e.target.checked) form.setValue('autoCreationEnabled', false);
          },
        })}
      />
      <div>
        <label htmlFor="k1-org" className="mb-1 block text-sm font-medium text-ink">
          KaseyaOne partner organization ID
        </label>
        <input id="k1-org" aria-invalid={err.kaseyaOneOrgId ? true : undefined} className="block w-full max-w-md rounded-md border border-slate-300 px-3 py-2 text-sm" {...form.register('kaseyaOneOrgId')} />
        <FieldError id="k1-org" message={err.kaseyaOneOrgId?.message} />
      </div>
      <Switch
        id="k1-auto"
        label="Automatic User Creation"
        description={loginEnabled ? 'Create an account on the first KaseyaOne login of someone who has none, with the Employee Defaults below.' : 'Turn on Enable Log In With KaseyaOne first.'}
        disabled={!loginEnabled}
        error={err.autoCreationEnabled?.message}
        {...form.register('autoCreationEnabled')}
      />
      <SeatCap seats={view.seats} error={err.seatCap?.message} input={form.register('seatCap')} />
      {showDefaults ? (
        <fieldset disabled={!autoCreation} className="rounded-lg border border-slate-200 p-5 disabled:bg-slate-50" aria-describedby="k1-defaults-note">
          <legend className="px-1 text-sm font-semibold text-ink">Employee Defaults</legend>
          <p id="k1-defaults-note" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            Automatically created users may add charges to your KaseyaOne invoice. For security, choose a low-access Security Role as the default.
          </p>
          <div className="grid gap-4 sm:grid-cols-2">
            {DEFAULT_FIELDS.map(([field, label]) => (
              <div key={field}>
                <label htmlFor={`k1-${field}`} className="mb-1 block text-sm font-medium text-ink">
                  {label}
                  {field === 'clientAccountId' ? <span className="font-normal text-ink-muted"> (optional)</span> : null}
                </label>
                <select
                  id={`k1-${field}`}
                  aria-invalid={err[field] ? true : undefined}
                  aria-describedby={[err[field] ? `k1-${field}-error` : '', field === 'clientAccountId' ? 'k1-account-hint' : ''].filter(Boolean).join(' ') || undefined}
                  className={`block w-full rounded-md border bg-white px-3 py-2 text-sm disabled:bg-slate-100 disabled:text-ink-subtle ${err[field] ? 'border-red-400' : 'border-slate-300'}`}
                  {...form.register(field)}
                >
                  <option value="">{field === 'clientAccountId' ? 'None' : 'Choose…'}</option>
                  {view.options[field].map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.hint ? `${o.name} (${o.hint})` : o.name}
                    </option>
                  ))}
                </select>
                {field === 'clientAccountId' ? (
                  <p id="k1-account-hint" className="mt-1 text-xs text-ink-muted">
                    The client Account new people attach to; every client portal contact belongs to one.
                  </p>
                ) : null}
                <FieldError id={`k1-${field}`} message={err[field]?.message} />
              </div>
            ))}
          </div>
        </fieldset>
      ) : null}
      <div className="flex items-center justify-between gap-4">
        <p role={formError ? 'alert' : undefined} className="text-sm text-red-700" data-testid="form-error">
          {formError}
        </p>
        <Button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? 'Saving…' : 'Save'}
        </Button>
      </div>
    </ClientForm>
  );
}

function SeatCap({ seats, error, input }: { seats: KaseyaOneSettingsView['seats']; error?: string; input: React.InputHTMLAttributes<HTMLInputElement> }) {
  const { used, cap } = seats;
  const warning = seatWarning(used, cap);
  return (
    <div className="rounded-lg border border-slate-200 p-5">
      <label htmlFor="k1-seatCap" className="mb-1 block text-sm font-medium text-ink">
        Cap on automatically created people <span className="font-normal text-ink-muted">(optional)</span>
      </label>
      <input
        id="k1-seatCap"
        inputMode="numeric"
        placeholder="No cap"
        aria-invalid={error ? true : undefined}
        aria-describedby={`k1-seat-count${error ? ' k1-seatCap-error' : ''}`}
        className="block w-40 rounded-md border border-slate-300 px-3 py-2 text-sm"
        {...input}
      />
      <FieldError id="k1-seatCap" message={error} />
      <p id="k1-seat-count" data-testid="seat-count" className="mt-2 text-sm text-ink-muted">
        {used} {used === 1 ? 'person' : 'people'} created automatically so far{cap !== null ? ` of ${cap} allowed` : ', no cap'}. Each may add charges to your KaseyaOne invoice.
      </p>
      {warning ? (
        <p data-testid="seat-warning" className={`mt-2 rounded-md px-3 py-2 text-sm ${warning.level === 'full' ? 'bg-red-50 text-red-800' : 'bg-amber-50 text-amber-900'}`}>
          {warning.message}
        </p>
      ) : null}
    </div>
  );
}

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
      {message}
    </p>
  ) : null;
}

type SwitchProps = React.InputHTMLAttributes<HTMLInputElement> & { id: string; label: string; description: string; error?: string; note?: React.ReactNode };

function Switch({ id, label, description, error, note, disabled, ...input }: SwitchProps) {
  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        type="checkbox"
        role="switch"
        disabled={disabled}
        aria-describedby={`${id}-desc`}
        className="peer mt-0.5 h-5 w-9 shrink-0 cursor-pointer appearance-none rounded-full bg-slate-300 transition-colors before:block before:h-4 before:w-4 before:translate-x-0.5 before:translate-y-0.5 before:rounded-full before:bg-white before:shadow before:transition-transform checked:bg-brand-600 checked:before:translate-x-[1.1rem] disabled:cursor-not-allowed disabled:opacity-50"
        {...input}
      />
      <div>
        <label htmlFor={id} className={`text-sm font-medium ${disabled ? 'text-ink-subtle' : 'text-ink'}`}>
          {label}
        </label>
        <p id={`${id}-desc`} className="text-sm text-ink-muted">
          {description}
        </p>
        {note}
        {error ? <p className="mt-1 text-sm text-red-700">{error}</p> : null}
      </div>
    </div>
  );
}
