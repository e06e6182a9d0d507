import { getDb } from '@/lib/db/client';
import { formPostCsp, newNonce } from '@/lib/security/headers';
import { recordSsoFailure, type FailureContext } from './failures';

// Small helpers for the route handlers that host Jackson.

/**
 * The request's parameters: query string, then a form or JSON body. A body that cannot be
 * read (broken multipart, JSON that is not an object) adds nothing, so the handler answers
 * "missing parameter" instead of failing.
 */
export async function formOrQuery(req: Request, opts: { query?: boolean } = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (opts.query !== false) new URL(req.url).searchParams.forEach((v, k) => (out[k] = v));
  if (req.method === 'POST') {
    const type = req.headers.get('content-type') ?? '';
    if (type.includes('application/json')) {
      const body: unknown = await req.json().catch(() => null);
      if (body && typeof body === 'object' && !Array.isArray(body)) for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
    } else {
      const form = await req.formData().catch(() => null);
      form?.forEach((v, k) => {
        if (typeof v === 'string') out[k] = v;
      });
    }
  }
  return out;
}

/**
 * Jackson's auto-posting form (SAML POST binding, form_post) under a CSP of its own: its
 * inline onload handler and script become one script carrying this response's nonce.
 * Should Jackson's markup change, the form still shows its Continue button.
 */
export function postFormPage(body: string): Response {
  const nonce = newNonce();
  const page = body
    .replace('<body onload="document.forms[0].submit()">', '<body>')
    .replace('<script>document.forms[0].style.display="none";</script>', `<script nonce="${nonce}">document.forms[0].style.display="none";document.forms[0].submit();</script>`);
  return new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': formPostCsp(nonce) } });
}

export function redirect(url: string, status = 302): Response {
  return new Response(null, { status, headers: { location: url, 'cache-control': 'no-store' } });
}

/**
 * An SSO step failed (bad signature, wrong audience, replay, expired…). The person sees a
 * page with a reference that finds the recorded failure in the Provisioning Log
 * (lib/sso/failures.ts); the library's own message stays in the server log.
 */
export async function ssoFailure(step: string, err: unknown, appUrl: string, ctx: FailureContext = {}): Promise<Response> {
  const ref = await recordSsoFailure(getDb(), step, err, ctx);
  return redirect(`${appUrl}/auth/error?ref=${ref}`, 303);
}

/** Jackson's OAuth errors as the JSON an OAuth client expects. */
export function oauthError(err: unknown): Response {
  const e = err as { message?: string; statusCode?: number };
  const status = e?.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
  if (status === 500) console.error('[sso] token/userinfo failed:', err);
  return Response.json({ error: status === 401 ? 'invalid_client' : 'invalid_request', error_description: status === 500 ? 'internal error' : e?.message }, { status });
}

/**
 * Jackson answers a refused response (bad signature, audience, expiry…) with an OAuth
 * error redirect as well as by throwing; both must end on our error page, never at the
 * client with an error in its query.
 */
export function followJackson(redirectUrl: string, status = 302): Response {
  const params = new URL(redirectUrl).searchParams;
  const error = params.get('error');
  if (error) throw new Error(`${error}: ${params.get('error_description') ?? ''}`);
  return redirect(redirectUrl, status);
}
