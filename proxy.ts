import { NextResponse, type NextRequest } from 'next/server';
import { getEnv } from '@/lib/env';
import { API_CSP, dynamicHeaders, newNonce, pageCsp } from '@/lib/security/headers';

// Security headers per request (Next.js 16 "proxy", formerly middleware). Pages get a CSP
// with a fresh nonce, passed on in the request's Content-Security-Policy header, from which
// Next.js puts it on its own scripts. API answers get a CSP that allows nothing, except
// the SSO routes under /api/oauth, whose auto-posting forms set their own (lib/sso/http.ts).
export function proxy(request: NextRequest) {
  const { appUrl } = getEnv();
  const path = request.nextUrl.pathname;
  if (path.startsWith('/api/')) {
    const response = NextResponse.next();
    for (const [k, v] of Object.entries(dynamicHeaders(path.startsWith('/api/oauth/') ? null : API_CSP, appUrl))) response.headers.set(k, v);
    return response;
  }
  const nonce = newNonce();
  // NODE_ENV is a build-time constant in Next.js bundles; the dev server needs eval for React's debugging.
  const csp = pageCsp(nonce, { https: appUrl.startsWith('https:'), dev: process.env.NODE_ENV === 'development' });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [k, v] of Object.entries(dynamicHeaders(csp, appUrl))) response.headers.set(k, v);
  return response;
}

export const config = {
  // Static build files carry next.config.mjs's headers; they run no script of ours.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
