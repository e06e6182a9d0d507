import { getDb } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { claimAssertions } from '@/lib/sso/replay';
import { getJackson } from '@/lib/sso/jackson';
import { followJackson, formOrQuery, postFormPage, ssoFailure } from '@/lib/sso/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// The ACS: the IdP posts its SAMLResponse here. We refuse a replayed assertion first
// (Jackson does not for IdP-initiated logins); Jackson checks signature, audience,
// validity window and InResponseTo, then redirects with an OAuth code.
export async function POST(req: Request) {
  const { SAMLResponse, RelayState = '', idp_hint } = await formOrQuery(req);
  if (!SAMLResponse) return ssoFailure('acs', new Error('no SAMLResponse in the request'), getEnv().appUrl);
  try {
    if ((await claimAssertions(getDb(), SAMLResponse)) === 'replayed') throw new Error('replayed SAML assertion');
    const { oauthController } = await getJackson();
    const res = await oauthController.samlResponse({ SAMLResponse, RelayState, idp_hint });
    if (res.redirect_url) return followJackson(res.redirect_url, 303);
    if (res.response_form) return postFormPage(res.response_form);
    if (res.app_select_form) return postFormPage(res.app_select_form);
    throw new Error(res.error ?? 'samlResponse returned nothing');
  } catch (err) {
    return ssoFailure('acs', err, getEnv().appUrl, { samlResponse: SAMLResponse });
  }
}
