'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { signIn, signOut } from '@/lib/auth';
import { credentialsSchema } from '@/lib/auth/schemas';
import { signInRefusal } from '@/lib/auth/messages';
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
  try {
    await signIn('credentials', { ...parsed.data, redirectTo: safeRedirectPath(form.get('callbackUrl')) });
    return {};
  } catch (err) {
    // A successful sign-in throws Next's redirect, which must propagate.
    if (!(err instanceof AuthError)) throw err;
    const code = err instanceof CredentialsSignin ? err.code : undefined;
    return { error: signInRefusal(code), email };
  }
}

export async function signOutAction() {
  await signOut({ redirectTo: '/login' });
}
