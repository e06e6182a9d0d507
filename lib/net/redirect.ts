import { getEnv } from '@/lib/env';

// The one gate for every redirect target taken from a request (callbackUrl, next-auth's
// redirect callback): resolved against APP_URL, same origin only, no control characters
// or backslashes (browsers read "/\t/evil" and "/\evil" as another host). Anything else → "/".

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\\]/;

/** A path on our own origin ("/x?y#z") to redirect to, or "/" when the target is not ours. */
export function safeRedirectPath(raw: unknown, appUrl: string = getEnv().appUrl): string {
  if (typeof raw !== 'string' || raw === '' || raw.length > 2000 || UNSAFE.test(raw)) return '/';
  const origin = new URL(appUrl).origin;
  let url: URL;
  try {
    url = new URL(raw, `${origin}/`);
  } catch {
    return '/';
  }
  if (url.origin !== origin) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil.example" normalises to "//evil.example", which a browser reads as a host.
  return path.startsWith('//') ? '/' : path;
}

/** The same target as an absolute URL on APP_URL (for next-auth, which wants one). */
export function safeRedirectUrl(raw: unknown, appUrl: string = getEnv().appUrl): string {
  return `${new URL(appUrl).origin}${safeRedirectPath(raw, appUrl)}`;
}
