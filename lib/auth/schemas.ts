import { z } from 'zod';

export const credentialsSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email address.').pipe(z.email('Enter a valid email address.')),
  password: z.string().min(1, 'Enter your password.').max(200, 'That password is too long.'),
});

export type Credentials = z.infer<typeof credentialsSchema>;

/** Only same-site paths may be redirected to after sign-in. */
export function safeCallbackUrl(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  return raw;
}
