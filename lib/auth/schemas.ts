import { z } from 'zod';

export const credentialsSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email address.').pipe(z.email('Enter a valid email address.')),
  password: z.string().min(1, 'Enter your password.').max(200, 'That password is too long.'),
});

export type Credentials = z.infer<typeof credentialsSchema>;

/** The sign-in's second step: the sealed pending-login token and a TOTP or recovery code. */
export const twoFactorCodeSchema = z.object({
  token: z.string().min(1).max(2000),
  code: z.string().trim().min(1, 'Enter the code from your authenticator app.').max(64, 'That code is too long.'),
});

/** The code field people fill in (the token travels in a cookie). */
export const codeFieldSchema = twoFactorCodeSchema.pick({ code: true });

/** Turning two-factor off: the password again and a current code (or a recovery code). */
/** Password and a code: turning two-factor off, and replacing the recovery codes. */
export const disableTwoFactorSchema = z.object({
  password: z.string().min(1, 'Enter your password.').max(200, 'That password is too long.'),
  code: z.string().trim().min(1, 'Enter a code from your authenticator app, or a recovery code.').max(64, 'That code is too long.'),
});
