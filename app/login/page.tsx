import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInCard } from '@/components/sign-in-card';
import { getViewer } from '@/lib/auth/viewer';
import { signInRefusal } from '@/lib/auth/messages';
import { safeRedirectPath } from '@/lib/net/redirect';
import { LoginForm } from './login-form';
import { SsoForm } from './sso-form';

const NOTICES: Record<string, string> = {
  email: 'Enter your work email address to sign in with SSO.',
  no_connection: 'Single sign-on is not set up for that email’s organization. Sign in with your password, or ask your administrator.',
  AccessDenied: 'Sign-in could not be completed. Try again, or ask your administrator.',
  Configuration: 'Sign-in is not available right now. Try again in a moment.',
  two_factor_expired: 'Your sign-in took too long or was interrupted. Enter your email and password again.',
  inactive: 'This account is inactive. Ask your administrator to reactivate it.',
};

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeRedirectPath(params.callbackUrl);
  if (await getViewer()) redirect(callbackUrl);
  const key = typeof params.sso_error === 'string' ? params.sso_error : typeof params.error === 'string' && params.error !== 'CredentialsSignin' ? params.error : undefined;
  // next-auth's credentials callback (scripts, plain form posts) lands here with its refusal code.
  const refusal = params.error === 'CredentialsSignin' && typeof params.code === 'string' ? signInRefusal(params.code) : null;
  const notice = key ? (NOTICES[key] ?? NOTICES.AccessDenied) : refusal;
  return (
    <SignInCard title="Sign in" subtitle="to Auth & Provision">
      {notice ? (
        <div role="alert" data-testid="sso-error" className="mb-5 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {notice}
        </div>
      ) : null}
      <SsoForm org={typeof params.org === 'string' ? params.org : undefined} />
      <div className="my-6 flex items-center gap-3 text-xs text-ink-subtle" aria-hidden>
        <span className="h-px flex-1 bg-slate-200" />
        or with a password
        <span className="h-px flex-1 bg-slate-200" />
      </div>
      <LoginForm callbackUrl={callbackUrl} />
    </SignInCard>
  );
}
