import { getEnv } from '@/lib/env';
import { getJackson } from '@/lib/sso/jackson';
import { formOrQuery, postFormPage, redirect, ssoFailure } from '@/lib/sso/http';
import type { OAuthReq } from '@boxyhq/saml-jackson';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Step 1 of an SP-initiated login: next-auth's BoxyHQ provider sends the browser here;
// Jackson answers with the IdP's URL (redirect binding) or an auto-posting form.
async function handle(req: Request) {
  const params = await formOrQuery(req);
  try {
    const { oauthController } = await getJackson();
    const res = await oauthController.authorize(params as unknown as OAuthReq);
    if (res.redirect_url) return redirect(res.redirect_url);
    if (res.authorize_form) return postFormPage(res.authorize_form);
    throw new Error(res.error ?? 'authorize returned nothing');
  } catch (err) {
    return ssoFailure('authorize', err, getEnv().appUrl, { params });
  }
}

export const GET = handle;
export const POST = handle;
