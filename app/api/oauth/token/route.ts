import type { OAuthTokenReq } from '@boxyhq/saml-jackson';
import { getJackson } from '@/lib/sso/jackson';
import { formOrQuery, oauthError } from '@/lib/sso/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  try {
    const { oauthController } = await getJackson();
    const body = (await formOrQuery(req)) as unknown as OAuthTokenReq;
    return Response.json(await oauthController.token(body, req.headers.get('authorization')), { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return oauthError(err);
  }
}
