import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Sign-in failed' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A single sign-on step failed (the IdP's response was not valid); the reason is in the server log under the reference. */
export default async function SsoErrorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { ref } = await searchParams;
  const reference = typeof ref === 'string' && UUID.test(ref) ? ref : null;
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <p className="text-sm font-semibold text-red-700">Sign-in failed</p>
        <h1 className="mt-2 text-xl font-semibold tracking-tight text-ink">We couldn’t complete single sign-on</h1>
        <p className="mt-3 text-sm text-ink-muted">The response from your identity provider could not be accepted. Try again; if it keeps happening, ask your administrator to check the SSO connection.</p>
        {reference ? (
          <p className="mt-6 rounded-md bg-slate-50 px-4 py-3 text-sm text-ink-muted">
            Reference: <span className="font-mono text-ink" data-testid="error-ref">{reference}</span>
          </p>
        ) : null}
        <Link href="/login" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:text-brand-700">
          Back to sign in
        </Link>
      </div>
    </main>
  );
}
