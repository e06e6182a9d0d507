import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { PENDING_COOKIE, readPendingLogin } from '@/lib/auth/pending-login';
import { safeRedirectPath } from '@/lib/net/redirect';
import { CodeForm } from './code-form';

export const metadata: Metadata = { title: 'Two-factor authentication' };
export const dynamic = 'force-dynamic';

/** The sign-in's second step: reached only with a pending sign-in from a correct password. */
export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const pending = readPendingLogin((await cookies()).get(PENDING_COOKIE)?.value);
  if (!pending) redirect('/login?sso_error=two_factor_expired');
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div className="mx-auto mb-4 flex h-11 w-11 items-center justify-center rounded-xl bg-brand-600 text-lg font-semibold text-white" aria-hidden>
            A
          </div>
          <h1 className="text-2xl font-semibold tracking-tight">Two-factor authentication</h1>
          <p className="mt-1 text-sm text-ink-muted" data-testid="pending-email">
            Signing in as {pending.email}
          </p>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <CodeForm callbackUrl={safeRedirectPath(params.callbackUrl)} />
          <p className="mt-5 text-center text-sm text-ink-muted">
            <Link href="/login" className="font-medium text-brand-700 hover:underline">
              Start over
            </Link>
          </p>
        </div>
      </div>
    </main>
  );
}
