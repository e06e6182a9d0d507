import type { Metadata } from 'next';
import { AuthMessage, referenceFrom } from '@/components/auth-message';

export const metadata: Metadata = { title: 'Sign-in failed' };

/** A single sign-on step failed (the IdP's response was not valid); the reference finds the recorded failure in the Provisioning Log. */
export default async function SsoErrorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const reference = referenceFrom((await searchParams).ref);
  return (
    <AuthMessage
      kicker="Sign-in failed"
      title="We couldn’t complete single sign-on"
      body="The response from your identity provider could not be accepted. Try again; if it keeps happening, ask your administrator to check the SSO connection."
    >
      {reference ? (
        <p className="mt-6 rounded-md bg-slate-50 px-4 py-3 text-sm text-ink-muted">
          Reference: <span className="font-mono text-ink" data-testid="error-ref">{reference}</span>
          <span className="mt-1 block">Give it to your administrator: they find what happened under this reference in the Provisioning Log.</span>
        </p>
      ) : null}
    </AuthMessage>
  );
}
