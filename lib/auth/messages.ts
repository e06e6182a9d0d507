import { describeWait } from './throttle';

const MESSAGES: Record<string, string> = {
  invalid: 'The email or password is incorrect.',
  inactive: 'This account is inactive. Ask your administrator to reactivate it.',
};

/** What a person reads for a refused password sign-in (the credentials provider's code). */
export function signInRefusal(code: string | undefined): string {
  const throttled = /^throttled:(\d{1,6})$/.exec(code ?? '');
  if (throttled) return `Too many failed sign-in attempts. Try again in ${describeWait(Number(throttled[1]))}.`;
  return MESSAGES[code ?? ''] ?? 'Sign-in failed. Please try again.';
}
