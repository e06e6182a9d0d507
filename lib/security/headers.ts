// Security headers. Pages get a Content-Security-Policy with a fresh nonce per request
// (proxy.ts; Next.js puts the nonce on its own scripts); API responses get one that
// allows nothing; the auto-posting SAML forms get their own (lib/sso/http.ts). The
// headers that never change (nosniff, frame denial, referrer) are in next.config.mjs so
// static files carry them too.

const HSTS = 'max-age=31536000; includeSubDomains';

/** A nonce: 128 random bits, base64. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

/**
 * The policy for HTML pages. No form-action: sign-in forms and the redirects after them
 * go to each organization's identity provider, whose origin we cannot list.
 */
export function pageCsp(nonce: string, opts: { https: boolean; dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    ...(opts.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** JSON, redirects and other API answers: nothing to load, nothing to frame. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** An auto-submitting form page (SAML POST binding): only its own script, posting wherever its form says. */
export function formPostCsp(nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'`;
}

/** Headers the proxy sets on a response (HSTS only when the app is served over https). */
export function dynamicHeaders(csp: string | null, appUrl: string): Record<string, string> {
  return { ...(csp ? { 'Content-Security-Policy': csp } : {}), ...(appUrl.startsWith('https:') ? { 'Strict-Transport-Security': HSTS } : {}) };
}
