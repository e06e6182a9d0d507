import NextAuth, { CredentialsSignin, customFetch } from 'next-auth';
import BoxyHQSAML from 'next-auth/providers/boxyhq-saml';
import Credentials from 'next-auth/providers/credentials';
import { getDb } from '@/lib/db/client';
import { getEnv, requireSecrets } from '@/lib/env';
import { clientIp } from '@/lib/net/client-ip';
import { safeRedirectUrl } from '@/lib/net/redirect';
import { getJackson, jacksonSecrets, SSO_PATHS } from '@/lib/sso/jackson';
import { jacksonFetch } from '@/lib/sso/in-process-fetch';
import { deniedPath, ssoLogin, type JacksonProfile } from '@/lib/sso/login';
import { codeStep, passwordStep, type Refusal } from './sign-in';
import { credentialsSchema, twoFactorCodeSchema } from './schemas';

class InvalidCredentials extends CredentialsSignin {
  code = 'invalid';
}
/**
 * A refused password or code: `invalid`, `inactive`, `throttled:<seconds to wait>`,
 * `invalid_code`, `expired` (the pending two-factor sign-in).
 */
class Refused extends CredentialsSignin {
  constructor(code: Refusal) {
    super();
    this.code = code;
  }
}
/**
 * The password was right and the account has two-factor on: no session yet. The login
 * form's server action keeps `pendingToken` (sealed) for the code step; a plain POST to
 * the callback only learns `two_factor`.
 */
export class TwoFactorRequired extends CredentialsSignin {
  code = 'two_factor';
  constructor(readonly pendingToken: string) {
    super();
  }
}
/** An IdP-initiated login the provisioning decision refused: `denied:<path of its denial page>`. */
class SsoDenied extends CredentialsSignin {
  constructor(path: string) {
    super();
    this.code = `denied:${path}`;
  }
}

const SESSION_HOURS = 8;

// Lazy config: secrets and the database are read at request time, never at build time.
export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const env = getEnv();
  return {
    secret: requireSecrets(env).AUTH_SECRET,
    trustHost: true,
    logger: {
      // A wrong password is routine: one line, no stack trace.
      error(error) {
        if (error instanceof CredentialsSignin) console.warn(`[auth] sign-in refused (${error.code})`);
        else console.error('[auth]', error);
      },
    },
    session: { strategy: 'jwt', maxAge: SESSION_HOURS * 3600 },
    pages: { signIn: '/login', error: '/login' },
    providers: [
      // Jackson is hosted by this app (app/api/oauth/*): the provider's issuer is our own origin.
      BoxyHQSAML({
        issuer: env.appUrl,
        clientId: 'dummy',
        clientSecret: jacksonSecrets().clientSecretVerifier,
        checks: ['pkce', 'state'],
        // OIDC IdPs release group membership only for the `groups` scope. Not `openid`:
        // that would ask Jackson itself for an ID token, which we do not use.
        authorization: { params: { scope: 'email profile groups' } },
        [customFetch]: jacksonFetch(env.appUrl),
      }),
      // IdP-initiated SAML: redeem Jackson's one-time code in-process (app/api/sso/idp-login).
      Credentials({
        id: 'boxyhq-idp',
        credentials: { code: {} },
        async authorize(raw) {
          const code = typeof raw?.code === 'string' ? raw.code : '';
          if (!code) throw new InvalidCredentials();
          const { oauthController } = await getJackson();
          const { access_token } = await oauthController.token({
            code,
            grant_type: 'authorization_code',
            redirect_uri: `${env.appUrl}${SSO_PATHS.idpLogin}`,
            client_id: 'dummy',
            client_secret: jacksonSecrets().clientSecretVerifier,
          });
          const profile = (await oauthController.userInfo(access_token)) as JacksonProfile;
          const result = await ssoLogin(getDb(), profile);
          if (result.outcome === 'deny') throw new SsoDenied(deniedPath(result));
          return { id: result.personId, email: result.email, name: result.name, organizationId: result.organizationId, isAdmin: result.isAdmin, signInMethod: 'sso' };
        },
      }),
      Credentials({
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        // Both the login form's server action and POST /api/auth/callback/credentials land here.
        async authorize(raw, request) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new InvalidCredentials();
          const result = await passwordStep(getDb(), parsed.data, clientIp(request.headers));
          if (result.ok === 'two_factor') throw new TwoFactorRequired(result.token);
          if (!result.ok) throw new Refused(result.code);
          return { ...result.user, signInMethod: 'password' };
        },
      }),
      // The second step of a password sign-in with two-factor on (app/login/two-factor).
      Credentials({
        id: 'two-factor',
        credentials: { token: {}, code: {} },
        async authorize(raw, request) {
          const parsed = twoFactorCodeSchema.safeParse(raw);
          if (!parsed.success) throw new Refused(typeof raw?.token === 'string' && raw.token ? 'invalid_code' : 'expired');
          const result = await codeStep(getDb(), parsed.data, clientIp(request.headers));
          if (!result.ok) throw new Refused(result.code);
          return { ...result.user, signInMethod: 'password+totp' };
        },
      }),
    ],
    callbacks: {
      /** Every post-sign-in/sign-out destination next-auth takes from a request passes the one redirect gate. */
      redirect({ url }) {
        return safeRedirectUrl(url, env.appUrl);
      },
      /** SSO logins go through the provisioning decision; a denial lands on its own page. */
      async signIn({ user, account, profile }) {
        if (account?.provider !== 'boxyhq-saml') return true;
        const result = await ssoLogin(getDb(), profile as JacksonProfile);
        if (result.outcome === 'deny') return deniedPath(result);
        Object.assign(user, { id: result.personId, email: result.email, name: result.name, organizationId: result.organizationId, isAdmin: result.isAdmin, signInMethod: 'sso' });
        return true;
      },
      jwt({ token, user }) {
        if (user) {
          token.personId = user.id;
          token.organizationId = user.organizationId;
          token.isAdmin = user.isAdmin;
          token.signInMethod = user.signInMethod;
        }
        return token;
      },
      session({ session, token }) {
        session.user.id = token.personId ?? '';
        session.user.organizationId = token.organizationId ?? '';
        session.user.isAdmin = token.isAdmin ?? false;
        session.user.signInMethod = token.signInMethod ?? 'password';
        return session;
      },
    },
  };
});
