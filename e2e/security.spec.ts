import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import bcrypt from 'bcryptjs';
import postgres from 'postgres';
import { DEMO, e2eState, signIn, ssoCli, uniqueEmail, watchCsp } from './helpers';

// The security sweep's findings (issue 10), each kept closed through the running app.

function listen(handler: http.RequestListener, port = 0): Promise<{ server: http.Server; port: number; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: () => {
          server.closeAllConnections();
          return new Promise((r) => server.close(() => r()));
        },
      }),
    ),
  );
}

test.describe('SSRF: tenant-supplied URLs', () => {
  test('a metadata URL on loopback (the database port) or a private address is refused in plain words', async ({ page }) => {
    const dbPort = new URL(e2eState().databaseUrl).port;
    await signIn(page, DEMO.globexAdmin);
    await page.goto('/admin/auth-provision');
    await page.getByLabel('Used for').selectOption('kaseyaone');
    const url = page.getByLabel('or Metadata URL');
    for (const [value, message] of [
      [`http://127.0.0.1:${dbPort}/`, 'The metadata URL could not be fetched: only https URLs are allowed.'],
      [`https://localhost:${dbPort}/`, 'The metadata URL could not be fetched: address not allowed.'],
      ['https://169.254.169.254/latest/meta-data/', 'The metadata URL could not be fetched: address not allowed.'],
    ]) {
      await url.fill(value!);
      await page.getByRole('button', { name: 'Add connection' }).click();
      await expect(page.locator('#saml-url-error')).toHaveText(message!);
    }
    await expect(page.getByRole('table', { name: 'SSO connections' }).getByRole('row', { name: /Log in with KaseyaOne/ })).toHaveCount(0);
  });

  test('an anonymous OIDC sign-in never reaches an internal address, even when the IdP later names one', async ({ page }) => {
    const canaryHits: string[] = [];
    const canary = await listen((req, res) => {
      canaryHits.push(req.url ?? '');
      res.end('{}');
    });
    const hostilePort = Number(JSON.parse(process.env.E2E_IDP_PORTS!).hostile);
    const issuer = `http://localhost:${hostilePort}`;
    let tokenEndpoint = `${issuer}/token`;
    const hostile = await listen((req, res) => {
      const url = new URL(req.url ?? '/', issuer);
      if (url.pathname === '/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json');
        return res.end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: tokenEndpoint, jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] }));
      }
      if (url.pathname === '/auth') {
        // Straight back to the app with a code, as an IdP would after its login.
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', 'hostile-code');
        back.searchParams.set('state', url.searchParams.get('state')!);
        return res.writeHead(302, { location: back.toString() }).end();
      }
      res.writeHead(404).end();
    }, hostilePort);

    const slug = `hooli-${Date.now().toString(36)}`;
    const sql = postgres(e2eState().databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await sql`insert into organizations (slug, name, verified_domains) values (${slug}, 'Hooli', ${[`${slug}.example`]})`;
      await ssoCli('add', '--org', slug, '--oidc-discovery', `${issuer}/.well-known/openid-configuration`, '--client-id', 'hooli', '--client-secret', 'hooli-secret');
      // After it was accepted, the IdP's discovery document points its token endpoint inside.
      tokenEndpoint = `http://127.0.0.1:${canary.port}/token`;

      await page.goto('/login');
      await page.getByLabel('Work email').fill(`someone@${slug}.example`);
      await page.getByRole('button', { name: 'Sign in with SSO' }).click();
      await expect(page).toHaveURL(/\/auth\/error\?ref=/);
      await expect(page.getByRole('heading', { name: 'We couldn’t complete single sign-on' })).toBeVisible();
      expect(canaryHits).toEqual([]);
    } finally {
      await sql`delete from organizations where slug = ${slug}`;
      await sql.end();
      await hostile.close();
      await canary.close();
    }
  });
});

test('redirect targets stay on our origin: a signed-in person sent to /login with a hostile callbackUrl goes home', async ({ page }) => {
  await signIn(page, DEMO.acmeTech);
  for (const callbackUrl of ['/%09/evil.example', '/%0d%0aSet-Cookie:%20x=1', '//evil.example', '/%5Cevil.example', 'https://evil.example/', '/.//evil.example']) {
    const res = await page.request.get(`/login?callbackUrl=${callbackUrl}`, { maxRedirects: 0 });
    expect(res.status(), callbackUrl).toBe(307);
    expect(res.headers().location, callbackUrl).toBe('/');
  }
  const ok = await page.request.get('/login?callbackUrl=/hr/employees%3Fpage%3D2', { maxRedirects: 0 });
  expect(ok.headers().location).toBe('/hr/employees?page=2');
});

test.describe('password brute force', () => {
  async function tryPassword(page: Page, email: string, password: string) {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  test('five wrong passwords lock the account, the right one then waits too, an unknown account reads the same, and the admin finds the lock', async ({ page, browser }) => {
    const email = uniqueEmail('locked', 'acme.example');
    const stranger = uniqueEmail('nobody', 'acme.example');
    const sql = postgres(e2eState().databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await sql`insert into people (organization_id, type, email, first_name, last_name, password_hash)
        select id, 'employee', ${email}, 'Lock', 'Tester', ${bcrypt.hashSync('right-password-1', 10)} from organizations where slug = 'acme'`;
    } finally {
      await sql.end();
    }
    const error = page.getByTestId('login-error');
    await page.goto('/login');
    for (const account of [email, stranger]) {
      for (let i = 1; i <= 4; i++) {
        await tryPassword(page, account, `wrong-${i}`);
        await expect(error).toHaveText('The email or password is incorrect.');
        await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeEnabled();
      }
      await tryPassword(page, account, 'wrong-5');
      await expect(error).toHaveText('Too many failed sign-in attempts. Try again in 1 minute.');
    }
    await tryPassword(page, email, 'right-password-1');
    await expect(error).toHaveText(/^Too many failed sign-in attempts\. Try again in \d+ (seconds|minute)\.$/);
    await expect(page).toHaveURL(/\/login/);

    // The credentials callback scripts use is throttled the same way.
    const csrf = ((await (await page.request.get('/api/auth/csrf')).json()) as { csrfToken: string }).csrfToken;
    const viaCallback = await page.request.post('/api/auth/callback/credentials', { form: { csrfToken: csrf, email, password: 'right-password-1' }, maxRedirects: 0 });
    expect(viaCallback.headers().location).toMatch(/\/login\?error=CredentialsSignin&code=throttled%3A\d+/);
    await page.goto(viaCallback.headers().location!);
    await expect(page.getByTestId('sso-error')).toHaveText(/^Too many failed sign-in attempts\. Try again in/);

    const admin = await browser.newPage();
    await signIn(admin, DEMO.acmeAdmin);
    await admin.goto(`/provisioning-log?reason=too_many_attempts&person=${encodeURIComponent(email)}`);
    const rows = admin.getByRole('table', { name: 'Provisioning events' }).getByRole('row');
    await expect(rows.filter({ hasText: email })).toHaveCount(1);
    await expect(rows.filter({ hasText: email })).toContainText(`${email} locked for 1 minute after 5 wrong password attempts`);
    await admin.goto(`/provisioning-log?reason=too_many_attempts&person=${encodeURIComponent(stranger)}`);
    await expect(rows.filter({ hasText: stranger })).toHaveCount(1);
    await admin.close();
  });
});

test.describe('security headers', () => {
  test('every response carries them, and no page of the console, login or error pages violates the CSP', async ({ page, browser }) => {
    const violations = await watchCsp(page);
    const login = await page.goto('/login');
    const h = login!.headers();
    expect(h['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(h['strict-transport-security']).toBeUndefined(); // http here; https adds it (lib/security/headers.test.ts)
    const again = await page.request.get('/login');
    expect(again.headers()['content-security-policy']).not.toBe(h['content-security-policy']); // a fresh nonce each time
    for (const path of ['/api/health', '/api/sso/metadata']) {
      const res = await page.request.get(path);
      expect(res.headers()['content-security-policy'], path).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
      expect(res.headers()['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers()['x-frame-options'], path).toBe('DENY');
    }

    await signIn(page, DEMO.acmeAdmin);
    const personHref = await (async () => {
      await page.goto('/hr/employees');
      return page.locator('a[href^="/people/"]').first().getAttribute('href');
    })();
    const [connection] = e2eState().acmeConnectionIds;
    for (const path of [
      '/admin/auth-provision',
      `/admin/auth-provision/connections/${connection}`,
      '/admin/kaseyaone-settings',
      '/admin/kaseyaone-settings?tab=organizations',
      '/admin/azure-ad',
      '/hr/employees',
      '/crm/contacts',
      personHref!,
      '/provisioning-log',
      '/no-such-page',
      '/auth/error?ref=00000000-0000-4000-8000-000000000000',
      '/auth/denied?code=no_matching_rule&ref=00000000-0000-4000-8000-000000000000',
    ]) {
      const res = await page.goto(path);
      expect(res!.headers()['content-security-policy'], path).toContain('nonce-');
      await expect(page.locator('h1').first(), path).toBeVisible();
      // Client components hydrated: a CSP that blocked Next's scripts would leave them inert.
      await page.waitForFunction(() => document.readyState === 'complete');
    }
    // A person without the admin grant meets the 403 page.
    const tech = await browser.newPage();
    const techViolations = await watchCsp(tech);
    await signIn(tech, DEMO.acmeTech);
    expect((await tech.goto('/admin/auth-provision'))!.status()).toBe(403);
    await expect(tech.locator('h1').first()).toBeVisible();
    await tech.close();
    expect([...violations, ...techViolations]).toEqual([]);
  });
});

test.describe('bad input never answers 500', () => {
  test('odd bodies to the route handlers get their plain refusals', async ({ request }) => {
    const broken = { 'content-type': 'multipart/form-data; boundary=----x' };
    const start = [
      await request.post('/api/sso/start', { data: { kind: 'sso', email: 'a@b.example' }, maxRedirects: 0 }),
      await request.post('/api/sso/start', { headers: broken, data: '------x\r\nContent-Disposition: form-data; name="kind"\r\n\r\nsso', maxRedirects: 0 }),
      await request.post('/api/sso/start', { maxRedirects: 0 }),
    ];
    for (const res of start) {
      expect(res.status()).toBe(303);
      expect(res.headers().location).toMatch(/\/login\?sso_error=/);
    }
    const token = await request.post('/api/oauth/token', { headers: { 'content-type': 'application/json' }, data: 'null' });
    expect(token.status()).toBeGreaterThanOrEqual(400);
    expect(token.status()).toBeLessThan(500);
    const acs = await request.post('/api/oauth/saml', { headers: broken, data: 'garbage', maxRedirects: 0 });
    expect(acs.status()).toBe(303);
    expect(acs.headers().location).toMatch(/\/auth\/error\?ref=/);
    const credentials = await request.post('/api/auth/callback/credentials', { data: { email: 'x', password: 'y' }, maxRedirects: 0 });
    expect(credentials.status()).toBeLessThan(500);
  });

  test('SAML metadata within 1,000,000 characters but over 1 MB in bytes gets a plain answer, not a 500', async ({ page, request }) => {
    const xml = await (await request.get(`${e2eState().kaseyaOneOrigin}/metadata`)).text();
    const padded = `${xml}<!--${'é'.repeat(990_000 - xml.length)}-->`;
    expect(padded.length).toBeLessThanOrEqual(1_000_000);
    expect(Buffer.byteLength(padded)).toBeGreaterThan(1_900_000);
    await signIn(page, DEMO.globexAdmin);
    await page.goto('/admin/auth-provision');
    await page.getByLabel('Used for').selectOption('kaseyaone');
    await page.getByLabel('Metadata XML').fill(padded);
    await page.getByRole('button', { name: 'Add connection' }).click();
    // That IdP belongs to Acme (or another spec holds Globex's slot for a moment): a refusal in words means the action ran.
    await expect(page.getByTestId('connection-error')).toHaveText(/^(The identity provider's metadata was not accepted: EntityID already exists for different tenant|This organization already has a KaseyaOne connection\. Delete it first to replace it\.)$/);
    await page.getByLabel('Metadata XML').fill(`${'x'.repeat(1_000_001)}`);
    await page.getByRole('button', { name: 'Add connection' }).click();
    await expect(page.getByText('The metadata file is too large (1,000,000 characters at most).')).toBeVisible();
  });
});
