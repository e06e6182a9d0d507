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
  regenerate: (input: unknown) => Promise<ActionResult<string[]>>;
};

/** At or below this many unused recovery codes the page says to make new ones. */
const LOW_RECOVERY_CODES = 3;

export function TwoFactorSetup({ status, pending, actions }: { status: Status; pending: Enrollment | null; actions: Actions }) {
  const [enrollment, setEnrollment] = useState<Enrollment | null>(pending);
  const [codes, setCodes] = useState<{ list: string[]; replaced: boolean } | null>(null);
  const [startError, setStartError] = useState<string | null>(null);

  if (codes) return <RecoveryCodes codes={codes.list} replaced={codes.replaced} />;
  if (status.enabled) return <Enabled status={status} actions={actions} onNewCodes={(list) => setCodes({ list, replaced: true })} />;
  if (enrollment) return <Confirm enrollment={enrollment} confirm={actions.confirm} onDone={(list) => setCodes({ list, replaced: false })} restart={() => setEnrollment(null)} />;
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

function RecoveryCodes({ codes, replaced }: { codes: string[]; replaced: boolean }) {
  return (
    <section aria-labelledby="tf-codes" className="space-y-4">
      <Notice message={replaced ? 'New recovery codes made. Your earlier codes no longer work.' : 'Two-factor authentication is on.'} />
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

function Enabled({ status, actions, onNewCodes }: { status: Status; actions: Actions; onNewCodes: (codes: string[]) => void }) {
  const router = useRouter();
  const low = status.recoveryCodesLeft <= LOW_RECOVERY_CODES;
  return (
    <div className="space-y-8">
      <div className="space-y-3">
        <p className="text-sm text-ink" data-testid="two-factor-status">
          Two-factor authentication is on{status.enabledAt ? ` since ${new Date(status.enabledAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })}` : ''}. {status.recoveryCodesLeft} of 10 recovery codes left.
        </p>
        {low ? (
          <p role="alert" data-testid="recovery-codes-low" className="max-w-2xl rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
            {status.recoveryCodesLeft === 0 ? 'You have no recovery codes left.' : `Only ${status.recoveryCodesLeft} recovery ${status.recoveryCodesLeft === 1 ? 'code is' : 'codes are'} left.`} If you lose your phone without one, an administrator has to
            reset your sign-in. Make new codes below.
          </p>
        ) : null}
      </div>
      <PasswordAndCode
        title="New recovery codes"
        description="Makes 10 new codes and shows them once; every earlier code stops working. Confirm with your password and a current code."
        submit={actions.regenerate}
        submitLabel={['Make new recovery codes', 'Making…']}
        onDone={(codes) => {
          onNewCodes(codes as string[]);
          router.refresh();
        }}
      />
      <PasswordAndCode
        title="Turn off two-factor authentication"
        description="Confirm with your password and a current code (or a recovery code)."
        submit={actions.disable}
        submitLabel={['Turn off two-factor', 'Turning off…']}
        onDone={() => router.refresh()}
      />
    </div>
  );
}

/** A form that asks for the password and a code, for one of the changes that need both. */
function PasswordAndCode({
  title,
  description,
  submit,
  submitLabel,
  onDone,
}: {
  title: string;
  description: string;
  submit: (input: unknown) => Promise<ActionResult<unknown>>;
  submitLabel: [idle: string, busy: string];
  onDone: (data: unknown) => void;
}) {
  const [pending, run] = useTransition();
  const [values, setValues] = useState({ password: '', code: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  return (
    <ClientForm
      className="max-w-sm space-y-4"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        setErrors({});
        setError(null);
        run(async () => {
          const res = await submit(values);
          if (res.ok) return onDone(res.data);
          setErrors(res.fieldErrors ?? {});
          setError(res.error);
        });
      }}
    >
      <h2 className="text-base font-semibold text-ink">{title}</h2>
      <p className="text-sm text-ink-muted">{description}</p>
      <ErrorNotice message={error} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" value={values.password} onChange={(e) => setValues({ ...values, password: e.target.value })} error={errors.password} />
      <Field label="Authentication code" name="code" autoComplete="one-time-code" value={values.code} onChange={(e) => setValues({ ...values, code: e.target.value })} error={errors.code} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? submitLabel[1] : submitLabel[0]}
      </Button>
    </ClientForm>
  );
}
