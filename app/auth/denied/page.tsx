import type { Metadata } from 'next';
import Link from 'next/link';
import { isReasonCode, REASONS } from '@/lib/provisioning/reasons';

export const metadata: Metadata = { title: 'Sign-in refused' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The end user's page for a refused SSO login: what happened, what to do, and a reference for the admin. */
export default async function DeniedPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { code, ref } = await searchParams;
  const reason = isReasonCode(code) ? REASONS[code] : null;
  const reference = typeof ref === 'string' && UUID.test(ref) ? ref : null;
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <p className="text-sm font-semibold text-red-700">Sign-in refused</p>
        <h1 className="mt-2 text-xl font-semibold tracking-tight text-ink">{reason?.title ?? 'You can’t sign in right now'}</h1>
        <p className="mt-3 text-sm text-ink-muted">{reason?.action ?? 'Ask your administrator for help.'}</p>
        {reference ? (
          <div className="mt-6 rounded-md bg-slate-50 px-4 py-3 text-sm">
            <p className="text-ink-muted">Give your administrator this reference:</p>
            <p className="mt-1 font-mono text-ink" data-testid="denial-ref">
              {reference}
            </p>
            {isReasonCode(code) ? (
              <p className="mt-1 text-xs text-ink-subtle" data-testid="denial-code">
                Reason code: {code}
              </p>
            ) : null}
          </div>
        ) : null}
        <Link href="/login" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:text-brand-700">
          Back to sign in
        </Link>
      </div>
    </main>
  );
}
