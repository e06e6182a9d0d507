'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { signIn, signOut, TwoFactorRequired } from '@/lib/auth';
import { PENDING_COOKIE, PENDING_LOGIN_SECONDS } from '@/lib/auth/pending-login';
import { codeFieldSchema, credentialsSchema } from '@/lib/auth/schemas';
import { signInRefusal } from '@/lib/auth/messages';
import { getEnv } from '@/lib/env';
import { safeRedirectPath } from '@/lib/net/redirect';
import { fieldErrorsOf } from '@/lib/validation';

export type LoginState = {
  error?: string;
  fieldErrors?: Partial<Record<'email' | 'password', string>>;
  email?: string;
};

export async function signInWithPassword(_prev: LoginState, form: FormData): Promise<LoginState> {
  const parsed = credentialsSchema.safeParse({ email: form.get('email'), password: form.get('password') });
  const email = String(form.get('email') ?? '');
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), email };
  const callbackUrl = safeRedirectPath(form.get('callbackUrl'));
  try {
    await signIn('credentials', { ...parsed.data, redirectTo: callbackUrl });
    return {};
  } catch (err) {
    // A successful sign-in throws Next's redirect, which must propagate.
    if (!(err instanceof AuthError)) throw err;
    if (err instanceof TwoFactorRequired) {
      (await cookies()).set(PENDING_COOKIE, err.pendingToken, { httpOnly: true, sameSite: 'lax', secure: getEnv().appUrl.startsWith('https:'), path: '/login', maxAge: PENDING_LOGIN_SECONDS });
    } else {
      const code = err instanceof CredentialsSignin ? err.code : undefined;
      return { error: signInRefusal(code), email };
    }
  }
  redirect(`/login/two-factor?${new URLSearchParams({ callbackUrl })}`);
}

export type CodeState = { error?: string; fieldErrors?: Partial<Record<'code', string>> };

export async function verifyTwoFactorCode(_prev: CodeState, form: FormData): Promise<CodeState> {
  const jar = await cookies();
  const token = jar.get(PENDING_COOKIE)?.value;
  if (!token) redirect('/login?sso_error=two_factor_expired');
  const parsed = codeFieldSchema.safeParse({ code: form.get('code') });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error) };
  let url: string;
  try {
    url = await signIn('two-factor', { token, code: parsed.data.code, redirect: false, redirectTo: safeRedirectPath(form.get('callbackUrl')) });
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    const code = err instanceof CredentialsSignin ? err.code : undefined;
    if (code === 'expired' || code === 'inactive') {
      jar.delete({ name: PENDING_COOKIE, path: '/login' });
      redirect(`/login?sso_error=${code === 'expired' ? 'two_factor_expired' : 'inactive'}`);
    }
    return code === 'invalid_code' ? { fieldErrors: { code: signInRefusal(code) } } : { error: signInRefusal(code) };
  }
  jar.delete({ name: PENDING_COOKIE, path: '/login' });
  redirect(safeRedirectPath(url));
}

export async function signOutAction() {
  await signOut({ redirectTo: '/login' });
}
