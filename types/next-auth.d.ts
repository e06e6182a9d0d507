import 'next-auth';
import 'next-auth/jwt';

declare module 'next-auth' {
  type SignInMethod = 'password' | 'password+totp' | 'sso';
  interface User {
    organizationId?: string;
    isAdmin?: boolean;
    signInMethod?: SignInMethod;
  }
  interface Session {
    user: {
      id: string;
      email: string;
      name: string;
      organizationId: string;
      isAdmin: boolean;
      /** How this session was signed in: a password alone, a password and a two-factor code, or single sign-on. */
      signInMethod: SignInMethod;
    };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    personId?: string;
    organizationId?: string;
    isAdmin?: boolean;
    signInMethod?: 'password' | 'password+totp' | 'sso';
  }
}
