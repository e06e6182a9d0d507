import { AuthError, CredentialsSignin } from 'next-auth';
import { signIn } from '@/lib/auth';
import { getEnv } from '@/lib/env';
import { redirect, ssoFailure } from '@/lib/sso/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * IdP-initiated SAML: the IdP posted a response nobody asked for, Jackson verified it
 * and sends the browser here with a one-time code (no state or PKCE to check, which is
 * why only connections whose IdP starts logins need this). The code is redeemed
 * in-process by the `boxyhq-idp` credentials provider.
 */
export async function GET(req: Request) {
  const { appUrl } = getEnv();
  const code = new URL(req.url).searchParams.get('code');
  if (!code) return ssoFailure('idp-login', new Error('no code'), appUrl);
  try {
    const url = await signIn('boxyhq-idp', { code, redirect: false, redirectTo: '/' });
    return redirect(url, 303);
  } catch (err) {
    if (err instanceof CredentialsSignin && err.code.startsWith('denied:/auth/denied?')) {
      return redirect(`${appUrl}${err.code.slice('denied:'.length)}`, 303);
    }
    if (err instanceof AuthError) return ssoFailure('idp-login', err, appUrl);
    throw err;
  }
}
