'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { ClientForm } from '@/components/ui/client-form';
import { Field } from '@/components/ui/field';
import { ErrorNotice, Notice } from '@/components/ui/notice';
import type { ActionResult } from '@/lib/auth/action';
import type { Enrollment } from '@/lib/auth/two-factor';

type Status = { enabled: boolean; enabledAt: string | null; recoveryCodesLeft: number };
type Actions = {
  start: (input: unknown) => Promise<ActionResult<Enrollment>>;
  confirm: (input: unknown) => Promise<ActionResult<string[]>>;
  disable: (input: unknown) => Promise<ActionResult>;
};

export function TwoFactorSetup({ status, pending, actions }: { status: Status; pending: Enrollment | null; actions: Actions }) {
  const [enrollment, setEnrollment] = useState<Enrollment | null>(pending);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [startError, setStartError] = useState<string | null>(null);

  if (codes) return <RecoveryCodes codes={codes} />;
  if (status.enabled) return <TurnOff status={status} disable={actions.disable} />;
  if (enrollment) return <Confirm enrollment={enrollment} confirm={actions.confirm} onDone={setCodes} restart={() => setEnrollment(null)} />;
  return <Start start={actions.start} onStarted={setEnrollment} onError={setStartError} error={startError} />;
}

function Start({ start, onStarted, onError, error }: { start: Actions['start']; onStarted: (e: Enrollment) => void; onError: (m: string | null) => void; error: string | null }) {
  const [pending, run] = useTransition();
  return (
    <ClientForm
      className="space-y-4"
      aria-label="Set up two-factor authentication"
      onSubmit={(e) => {
        e.preventDefault();
        run(async () => {
          const res = await start({});
          if (res.ok && res.data) onStarted(res.data);
          else onError(res.ok ? null : res.error);
        });
      }}
    >
      <p className="max-w-2xl text-sm text-ink-muted">
        Two-factor authentication is off. With it on, signing in with your password also asks for a 6-digit code from an app on your phone, so a stolen password alone is not enough.
      </p>
      <ErrorNotice message={error} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Starting…' : 'Set up two-factor authentication'}
      </Button>
    </ClientForm>
  );
}

function Confirm({ enrollment, confirm, onDone, restart }: { enrollment: Enrollment; confirm: Actions['confirm']; onDone: (codes: string[]) => void; restart: () => void }) {
  const [pending, run] = useTransition();
  const [error, setError] = useState<string | undefined>();
  const [code, setCode] = useState('');
  const router = useRouter();
  return (
    <div className="space-y-6">
      <ol className="list-decimal space-y-1 pl-5 text-sm text-ink">
        <li>Open your authenticator app and add an account.</li>
        <li>Scan the QR code, or enter the setup key by hand.</li>
        <li>Enter the 6-digit code the app shows to turn two-factor on.</li>
      </ol>
      <div className="flex flex-wrap items-start gap-8">
        {/* A data: URL made on the server; the page CSP allows data: images. */}
        <img src={enrollment.qrDataUrl} alt="QR code for your authenticator app" width={200} height={200} className="rounded-md border border-slate-200" />
        <div className="min-w-0 space-y-2">
          <p className="text-sm font-medium text-ink" id="tf-key-label">
            Setup key
          </p>
          <code aria-labelledby="tf-key-label" data-testid="two-factor-key" className="block break-all rounded-md bg-slate-100 px-3 py-2 font-mono text-sm tracking-wider text-ink">
            {enrollment.secret.replace(/(.{4})/g, '$1 ').trim()}
          </code>
          <p className="text-xs text-ink-muted">Time-based (TOTP), 6 digits, every 30 seconds. Spaces do not matter.</p>
        </div>
      </div>
      <ClientForm
        className="max-w-xs space-y-4"
        aria-label="Confirm two-factor authentication"
        onSubmit={(e) => {
          e.preventDefault();
          setError(undefined);
          run(async () => {
            const res = await confirm({ code });
            if (res.ok && res.data) {
              onDone(res.data);
              router.refresh();
            } else if (!res.ok) setError(res.fieldErrors?.code ?? res.error);
          });
        }}
      >
        <Field label="Code from your app" name="code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} error={error} />
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={pending}>
            {pending ? 'Checking…' : 'Turn on'}
          </Button>
          <Button type="button" variant="ghost" onClick={restart}>
            Cancel
          </Button>
        </div>
      </ClientForm>
    </div>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <section aria-labelledby="tf-codes" className="space-y-4">
      <Notice message="Two-factor authentication is on." />
      <h2 id="tf-codes" className="text-base font-semibold text-ink">
        Your recovery codes
      </h2>
      <p className="max-w-2xl text-sm text-ink-muted">
        Save these codes somewhere safe now: they are shown only this once. Each signs you in once if you lose your phone.
      </p>
      <ul data-testid="recovery-codes" className="grid max-w-md grid-cols-2 gap-2 rounded-md bg-slate-100 p-4 font-mono text-sm">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <Link href="/" className="inline-flex rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
        I saved them — continue
      </Link>
    </section>
  );
}

function TurnOff({ status, disable }: { status: Status; disable: Actions['disable'] }) {
  const [pending, run] = useTransition();
  const [values, setValues] = useState({ password: '', code: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const router = useRouter();
  return (
    <div className="space-y-6">
      <p className="text-sm text-ink" data-testid="two-factor-status">
        Two-factor authentication is on{status.enabledAt ? ` since ${new Date(status.enabledAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })}` : ''}. {status.recoveryCodesLeft} of 10 recovery codes left.
      </p>
      <ClientForm
        className="max-w-sm space-y-4"
        aria-label="Turn off two-factor authentication"
        onSubmit={(e) => {
          e.preventDefault();
          setErrors({});
          setError(null);
          run(async () => {
            const res = await disable(values);
            if (res.ok) {
              router.refresh();
              return;
            }
            setErrors(res.fieldErrors ?? {});
            setError(res.error);
          });
        }}
      >
        <h2 className="text-base font-semibold text-ink">Turn off two-factor authentication</h2>
        <p className="text-sm text-ink-muted">Confirm with your password and a current code (or a recovery code).</p>
        <ErrorNotice message={error} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" value={values.password} onChange={(e) => setValues({ ...values, password: e.target.value })} error={errors.password} />
        <Field label="Authentication code" name="code" autoComplete="one-time-code" value={values.code} onChange={(e) => setValues({ ...values, code: e.target.value })} error={errors.code} />
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? 'Turning off…' : 'Turn off two-factor'}
        </Button>
      </ClientForm>
    </div>
  );
}
