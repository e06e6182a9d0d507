'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { verifyTwoFactorCode, type CodeState } from '../actions';

export function CodeForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action, pending] = useActionState<CodeState, FormData>(verifyTwoFactorCode, {});
  return (
    <form action={action} className="space-y-5" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {state.error ? (
        <div role="alert" data-testid="login-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </div>
      ) : null}
      <p className="text-sm text-ink-muted" id="code-hint">
        Enter the 6-digit code from your authenticator app. Lost your device? Enter one of your recovery codes instead.
      </p>
      <Field
        label="Authentication code"
        name="code"
        autoComplete="one-time-code"
        autoCapitalize="none"
        spellCheck={false}
        autoFocus
        error={state.fieldErrors?.code}
        required
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Verifying…' : 'Verify'}
      </Button>
    </form>
  );
}
