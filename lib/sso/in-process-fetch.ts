import type { OAuthTokenReq } from '@boxyhq/saml-jackson';
import { getJackson, SSO_PATHS } from './jackson';

/**
 * next-auth's BoxyHQ provider talks OAuth to Jackson's token and userinfo endpoints.
 * Jackson lives in this process, so those two calls are answered here directly instead
 * of looping through HTTP and the Next.js router; every other URL goes to the network.
 * The answers are exactly what app/api/oauth/{token,userinfo} would send.
 */
export function jacksonFetch(appUrl: string): typeof fetch {
  const tokenUrl = `${appUrl}${SSO_PATHS.token}`;
  const userinfoUrl = `${appUrl}${SSO_PATHS.userinfo}`;
  return async (input, init) => {
    const request = new Request(input, init);
    const url = request.url.split('?')[0];
    if (url !== tokenUrl && url !== userinfoUrl) return fetch(input, init);
    const { oauthController } = await getJackson();
    try {
      if (url === tokenUrl) {
        const body = Object.fromEntries(new URLSearchParams(await request.text())) as unknown as OAuthTokenReq;
        return Response.json(await oauthController.token(body, request.headers.get('authorization')));
      }
      const token = (request.headers.get('authorization') ?? '').replace(/^bearer\s+/i, '');
      return Response.json(await oauthController.userInfo(token));
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      return Response.json({ error: status === 401 ? 'invalid_client' : 'invalid_request', error_description: (err as Error).message }, { status: status >= 400 && status < 600 ? status : 500 });
    }
  };
}
