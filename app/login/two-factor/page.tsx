import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { SignInCard } from '@/components/sign-in-card';
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
    <SignInCard title="Two-factor authentication" subtitle={`Signing in as ${pending.email}`} subtitleTestId="pending-email">
      <CodeForm callbackUrl={safeRedirectPath(params.callbackUrl)} />
      <p className="mt-5 text-center text-sm text-ink-muted">
        <Link href="/login" className="font-medium text-brand-700 hover:underline">
          Start over
        </Link>
      </p>
    </SignInCard>
  );
}
