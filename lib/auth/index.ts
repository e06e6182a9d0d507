import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { getDb } from '@/lib/db/client';
import { getEnv, requireSecrets } from '@/lib/env';
import { authenticateLocal } from './local';
import { credentialsSchema } from './schemas';

class InvalidCredentials extends CredentialsSignin {
  code = 'invalid';
}
class InactiveAccount extends CredentialsSignin {
  code = 'inactive';
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
      Credentials({
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(raw) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new InvalidCredentials();
          const result = await authenticateLocal(getDb(), parsed.data.email, parsed.data.password);
          if (!result.ok) throw result.code === 'inactive' ? new InactiveAccount() : new InvalidCredentials();
          const p = result.person;
          return { id: p.id, email: p.email, name: p.name, organizationId: p.organizationId, isAdmin: p.isAdmin };
        },
      }),
    ],
    callbacks: {
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
