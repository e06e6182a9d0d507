// Runs real authorization-code flows against the test OIDC provider, without a browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { startOidcProvider, type OidcClient, type TestOidcProvider } from './oidc-provider';

const basicClient: OidcClient = {
  client_id: 'basic-client',
  client_secret: 'basic-secret',
  redirect_uris: ['http://localhost:3999/api/oauth/oidc'],
};

/** A tiny cookie jar: enough for one host, ignores cookie paths (sending extra cookies is harmless). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(res: Response) {
    for (const header of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k = '', v = ''] = a.trim().split('=');
        return k.toLowerCase() === 'expires' && new Date(v).getTime() <= Date.now();
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

type LoginFields = { email: string; given_name?: string; family_name?: string; groups?: string; sub?: string };

/** Hidden-input form of an auto-submitting page (oidc-provider's form_post / logout confirm). */
function parseForm(html: string): { action: string; fields: URLSearchParams } | undefined {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const fields = new URLSearchParams();
  for (const input of (form[2] ?? '').matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name) fields.append(name, value.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))));
  }
  return { action: form[1] ?? '', fields };
}

/**
 * Drives the browser part of the flow: authorize → interaction page → POST the login form →
 * follow redirects until the client's redirect_uri. Returns that final callback URL.
 */
async function browse(
  authorizationUrl: URL,
  redirectUri: string,
  login: LoginFields,
  jar = new CookieJar(),
): Promise<{ callback: URL; loginPageHtml: string }> {
  let next: { url: URL; init: RequestInit } = { url: authorizationUrl, init: { method: 'GET' } };
  let loginPageHtml = '';
  for (let hop = 0; hop < 20; hop++) {
    if (process.env.TEST_OIDC_TRACE) console.log('[browse]', next.init.method, next.url.href);
    const res = await fetch(next.url, {
      ...next.init,
      redirect: 'manual',
      headers: { ...(next.init.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.store(res);
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      if (!location) throw new Error(`redirect without location from ${next.url}`);
      const target = new URL(location, next.url);
      if (target.href.startsWith(redirectUri)) return { callback: target, loginPageHtml };
      next = { url: target, init: { method: 'GET' } };
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`unexpected ${res.status} at ${next.url}: ${html.slice(0, 500)}`);
    if (/\/interaction\/[^/]+$/.test(next.url.pathname)) {
      loginPageHtml = html;
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
      if (!action) throw new Error('login form not found');
      const body = new URLSearchParams(Object.entries(login).filter(([, v]) => v !== undefined) as [string, string][]);
      next = {
        url: new URL(action, next.url),
        init: { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      };
      continue;
    }
    // An auto-submitting form (e.g. the end-session confirmation when switching users).
    const form = parseForm(html);
    if (!form) throw new Error(`unexpected page at ${next.url}: ${html.slice(0, 500)}`);
    next = {
      url: new URL(form.action, next.url),
      init: { method: 'POST', body: form.fields, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    };
  }
  throw new Error('too many hops');
}

function decodeJwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('test OIDC provider', () => {
  let idp: TestOidcProvider;

  beforeAll(async () => {
    idp = await startOidcProvider({ clients: [basicClient] });
  });
  afterAll(async () => {
    await idp?.close();
  });

  it('serves health and discovery over http://localhost', async () => {
    expect(idp.issuer).toMatch(/^http:\/\/localhost:\d+$/);
    expect(idp.discoveryUrl).toBe(`${idp.issuer}/.well-known/openid-configuration`);

    const health = await fetch(`${idp.issuer}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');

    const res = await fetch(idp.discoveryUrl);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(meta.issuer).toBe(idp.issuer);
    expect(meta.authorization_endpoint).toBe(`${idp.issuer}/auth`);
    expect(meta.token_endpoint).toBe(`${idp.issuer}/token`);
    expect(meta.userinfo_endpoint).toBe(`${idp.issuer}/me`);
    expect(meta.jwks_uri).toBe(`${idp.issuer}/jwks`);
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['openid', 'email', 'profile', 'groups']));
    expect(meta.claims_supported).toEqual(
      expect.arrayContaining(['sub', 'email', 'email_verified', 'given_name', 'family_name', 'name', 'groups']),
    );
    expect(meta.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    );
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('code flow with PKCE + client_secret_basic via openid-client: id_token and userinfo carry the typed identity', async () => {
    const config = await client.discovery(
      new URL(idp.discoveryUrl),
      basicClient.client_id,
      basicClient.client_secret,
      client.ClientSecretBasic(),
      { execute: [client.allowInsecureRequests] },
    );
    const redirectUri = basicClient.redirect_uris[0]!;
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const authUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile groups',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      nonce,
      state,
      login_hint: 'Alice@Example.com',
    });

    const { callback, loginPageHtml } = await browse(authUrl, redirectUri, {
      email: 'Alice@Example.com',
      given_name: 'Alice',
      family_name: 'Liddell',
      groups: 'engineering\r\n  admins \n\n',
    });
    // The login page has the accessible labels the Playwright tests rely on.
    for (const label of ['Email', 'First name', 'Last name', 'Groups']) {
      expect(loginPageHtml).toMatch(new RegExp(`<label for="[a-z_]+">${label}</label>`));
    }
    expect(loginPageHtml).toContain('<textarea id="groups" name="groups"');
    expect(loginPageHtml).toContain('<button type="submit">Sign in</button>');
    expect(loginPageHtml).toContain('value="Alice@Example.com"'); // login_hint prefill
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: codeVerifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: idp.issuer,
      aud: basicClient.client_id,
      sub: 'alice@example.com',
      email: 'Alice@Example.com',
      email_verified: true,
      given_name: 'Alice',
      family_name: 'Liddell',
      name: 'Alice Liddell',
      groups: ['engineering', 'admins'],
    });

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims!.sub);
    expect(userinfo).toMatchObject({
      sub: 'alice@example.com',
      email: 'Alice@Example.com',
      given_name: 'Alice',
      family_name: 'Liddell',
      groups: ['engineering', 'admins'],
    });
  });

  it('works the way SAML Jackson calls it (string secret → client_secret_post, PKCE S256) for a client added after start', async () => {
    const jacksonLike: OidcClient = {
      client_id: 'jackson-client',
      client_secret: 'jackson-secret',
      redirect_uris: ['http://localhost:4000/api/oauth/oidc'],
    };
    idp.addClient(jacksonLike);
    // Same call shape as @boxyhq/saml-jackson's oidcClientConfig for a localhost discovery URL.
    const config = await client.discovery(
      new URL(idp.discoveryUrl),
      jacksonLike.client_id,
      jacksonLike.client_secret,
      undefined,
      { execute: [client.allowInsecureRequests] },
    );
    const redirectUri = jacksonLike.redirect_uris[0]!;
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const authUrl = client.buildAuthorizationUrl(config, {
      scope: 'groups openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      redirect_uri: redirectUri,
    });
    const { callback } = await browse(authUrl, redirectUri, {
      email: 'bob@example.com',
      given_name: 'Bob',
      family_name: 'Builder',
      groups: 'ops',
      sub: 'bob-0001',
    });
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: codeVerifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    expect(tokens.claims()).toMatchObject({ sub: 'bob-0001', email: 'bob@example.com', groups: ['ops'] });
  });

  it('plain fetch: no PKCE, client_secret_post, unknown scopes ignored; the login form shows every time and can switch users', async () => {
    const redirectUri = basicClient.redirect_uris[0]!;
    const jar = new CookieJar();

    async function run(email: string, groups: string) {
      const authUrl = new URL(`${idp.issuer}/auth`);
      authUrl.search = new URLSearchParams({
        client_id: basicClient.client_id,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid email profile groups roles',
        state: 'xyz',
      }).toString();
      const { callback, loginPageHtml } = await browse(authUrl, redirectUri, { email, groups }, jar);
      expect(loginPageHtml).toContain('Sign in');
      expect(callback.searchParams.get('state')).toBe('xyz');
      const code = callback.searchParams.get('code');
      expect(code).toBeTruthy();

      const tokenRes = await fetch(`${idp.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: code!,
          redirect_uri: redirectUri,
          client_id: basicClient.client_id,
          client_secret: basicClient.client_secret,
        }),
      });
      const body = (await tokenRes.json()) as Record<string, string>;
      expect(tokenRes.status, JSON.stringify(body)).toBe(200);
      const idToken = decodeJwtPayload(body.id_token!);
      const userinfo = (await (
        await fetch(`${idp.issuer}/me`, { headers: { authorization: `Bearer ${body.access_token}` } })
      ).json()) as Record<string, unknown>;
      return { idToken, userinfo };
    }

    const first = await run('carol@example.com', 'a\nb\nc');
    expect(first.idToken).toMatchObject({ sub: 'carol@example.com', email: 'carol@example.com', groups: ['a', 'b', 'c'] });
    expect(first.idToken.given_name).toBeUndefined();
    expect(first.userinfo).toMatchObject({ sub: 'carol@example.com', groups: ['a', 'b', 'c'] });

    // Same cookie jar (an IdP session exists): the form is shown again and a new identity wins.
    const second = await run('dave@example.com', '');
    expect(second.idToken).toMatchObject({ sub: 'dave@example.com', email: 'dave@example.com', groups: [] });
    expect(second.userinfo).toMatchObject({ sub: 'dave@example.com', email: 'dave@example.com' });
  });

  it('rejects a wrong client secret and an unregistered redirect_uri', async () => {
    const bad = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('basic-client:nope').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: 'http://localhost:3999/api/oauth/oidc' }),
    });
    expect(bad.status).toBe(401);

    const res = await fetch(
      `${idp.issuer}/auth?${new URLSearchParams({
        client_id: basicClient.client_id,
        response_type: 'code',
        redirect_uri: 'http://localhost:1/elsewhere',
        scope: 'openid',
      })}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(() => idp.addClient({ client_id: 'x', client_secret: 's', redirect_uris: ['not a url'] })).toThrow();
  });
});
