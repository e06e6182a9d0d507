import { getEnv } from '@/lib/env';
import { getJackson } from '@/lib/sso/jackson';
import { followJackson, formOrQuery, postFormPage, ssoFailure } from '@/lib/sso/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// The OIDC IdP redirects back here with its code; Jackson redeems it and redirects on with ours.
export async function GET(req: Request) {
  try {
    const { oauthController } = await getJackson();
    const res = await oauthController.oidcAuthzResponse(await formOrQuery(req));
    if (res.redirect_url) return followJackson(res.redirect_url);
    if (res.response_form) return postFormPage(res.response_form);
    throw new Error(res.error ?? 'oidcAuthzResponse returned nothing');
  } catch (err) {
    return ssoFailure('oidc-callback', err, getEnv().appUrl);
  }
}
