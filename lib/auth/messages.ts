import { describeWait } from './throttle';

const MESSAGES: Record<string, string> = {
  invalid: 'The email or password is incorrect.',
  inactive: 'This account is inactive. Ask your administrator to reactivate it.',
  invalid_code: 'That code is not right. Enter the current 6-digit code from your authenticator app, or one of your recovery codes.',
  expired: 'Your sign-in took too long or was interrupted. Enter your email and password again.',
  two_factor: 'This account uses two-factor authentication: sign in on this page, then enter your code.',
};

/** What a person reads for a refused password sign-in (the credentials provider's code). */
export function signInRefusal(code: string | undefined): string {
  const throttled = /^throttled:(\d{1,6})$/.exec(code ?? '');
  if (throttled) return `Too many failed sign-in attempts. Try again in ${describeWait(Number(throttled[1]))}.`;
  return MESSAGES[code ?? ''] ?? 'Sign-in failed. Please try again.';
}
