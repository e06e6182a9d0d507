import 'next-auth';
import 'next-auth/jwt';

declare module 'next-auth' {
  interface User {
    organizationId?: string;
    isAdmin?: boolean;
  }
  interface Session {
    user: {
      id: string;
      email: string;
      name: string;
      organizationId: string;
      isAdmin: boolean;
    };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    personId?: string;
    organizationId?: string;
    isAdmin?: boolean;
  }
}
