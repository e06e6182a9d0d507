import { expect, test, type APIRequestContext } from '@playwright/test';
import postgres from 'postgres';
import type { ResponseOptions } from './idp/saml-idp';
import { e2eState, uniqueEmail } from './helpers';

// HTTP level, no browser: responses from Acme's registered SSO IdP, with each defect
// an attacker could try, posted straight to the ACS. Each is refused and creates nothing.

let sql: postgres.Sql;
test.beforeAll(() => {
  sql = postgres(e2eState().databaseUrl, { max: 1, onnotice: () => {} });
});
test.afterAll(async () => {
  await sql.end();
});

/** IdP-initiated response from the registered IdP (its key, its issuer), with optional defects. */
async function response(request: APIRequestContext, email: string, defects: Partial<ResponseOptions> = {}) {
  const { samlOrigin, appUrl } = e2eState();
  const options: ResponseOptions = { acsUrl: `${appUrl}/api/oauth/saml`, audience: 'urn:auth-provision:sp', user: { nameId: email, email, groups: ['Technicians'] }, ...defects };
  const res = await request.post(`${samlOrigin}/forge`, { data: options });
  expect(res.status()).toBe(200);
  return res.text();
}

async function postToAcs(request: APIRequestContext, SAMLResponse: string) {
  const res = await request.post('/api/oauth/saml', { form: { SAMLResponse, RelayState: '' }, maxRedirects: 0 });
  expect(res.status()).toBe(303);
  return res.headers().location!;
}

/** Redeems Jackson's code like a browser would: that is when a person gets created. */
async function follow(request: APIRequestContext, location: string) {
  return request.get(location, { maxRedirects: 0 });
}

async function exists(email: string) {
  const [row] = await sql`select count(*)::int as n from people where lower(email) = lower(${email})`;
  return row!.n > 0;
}

test('a valid response is accepted and creates the person (the baseline for the refusals)', async ({ request }) => {
  const email = uniqueEmail('sec.ok', 'acme.example');
  const location = await postToAcs(request, await response(request, email));
  expect(location).toMatch(/\/api\/sso\/idp-login\?code=/);
  await follow(request, location);
  expect(await exists(email)).toBe(true);
});

test('a replayed response is refused', async ({ request }) => {
  const email = uniqueEmail('sec.replay', 'acme.example');
  const saml = await response(request, email);
  expect(await postToAcs(request, saml)).toMatch(/idp-login\?code=/);
  expect(await postToAcs(request, saml)).toMatch(/\/auth\/error\?ref=/);
});

const refusals: [string, Partial<ResponseOptions>][] = [
  ['for another audience', { audience: 'urn:someone-else:sp' }],
  ['signed with a key not in the metadata', { signWithOtherKey: true }],
  ['unsigned', { unsigned: true }],
  ['tampered after signing', { tamper: true }],
  ['expired', { notOnOrAfterSeconds: -3600 }],
];
for (const [name, defects] of refusals) {
  test(`a response ${name} is refused and creates nothing`, async ({ request }) => {
    const email = uniqueEmail('sec.bad', 'acme.example');
    const location = await postToAcs(request, await response(request, email, defects));
    expect(location).toMatch(/\/auth\/error\?ref=[0-9a-f-]{36}$/);
    await follow(request, location);
    expect(await exists(email)).toBe(false);
  });
}
