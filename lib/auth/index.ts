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
import { authenticateLocal } from './local';
import { checkThrottle, recordFailure, recordSuccess } from './throttle';
import { credentialsSchema } from './schemas';

class InvalidCredentials extends CredentialsSignin {
  code = 'invalid';
}
class InactiveAccount extends CredentialsSignin {
  code = 'inactive';
}
/** Too many wrong passwords for this account or from this address: `throttled:<seconds to wait>`. */
class Throttled extends CredentialsSignin {
  constructor(retryAfterSeconds: number) {
    super();
    this.code = `throttled:${retryAfterSeconds}`;
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
          return { id: result.personId, email: result.email, name: result.name, organizationId: result.organizationId, isAdmin: result.isAdmin };
        },
      }),
      Credentials({
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        // Both the login form's server action and POST /api/auth/callback/credentials land here.
        async authorize(raw, request) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new InvalidCredentials();
          const db = getDb();
          const attempt = { account: parsed.data.email, ip: clientIp(request.headers) };
          const verdict = await checkThrottle(db, 'password', attempt);
          if (!verdict.ok) throw new Throttled(verdict.retryAfterSeconds);
          const result = await authenticateLocal(db, parsed.data.email, parsed.data.password);
          if (!result.ok && result.code === 'invalid') {
            const after = await recordFailure(db, 'password', attempt);
            throw after.ok ? new InvalidCredentials() : new Throttled(after.retryAfterSeconds);
          }
          await recordSuccess(db, 'password', attempt);
          if (!result.ok) throw new InactiveAccount();
          const p = result.person;
          return { id: p.id, email: p.email, name: p.name, organizationId: p.organizationId, isAdmin: p.isAdmin };
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
        Object.assign(user, { id: result.personId, email: result.email, name: result.name, organizationId: result.organizationId, isAdmin: result.isAdmin });
        return true;
      },
      jwt({ token, user }) {
        if (user) {
          token.personId = user.id;
          token.organizationId = user.organizationId;
          token.isAdmin = user.isAdmin;
        }
        return token;
      },
      session({ session, token }) {
        session.user.id = token.personId ?? '';
        session.user.organizationId = token.organizationId ?? '';
        session.user.isAdmin = token.isAdmin ?? false;
        return session;
      },
    },
  };
});
