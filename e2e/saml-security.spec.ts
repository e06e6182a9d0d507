import { expect, test, type APIRequestContext } from '@playwright/test';
import postgres from 'postgres';
import type { ResponseOptions } from './idp/saml-idp';
import { DEMO, e2eState, signIn, uniqueEmail } from './helpers';

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

/** The reference the error page shows, and the failure it names in the database. */
async function failureOf(location: string) {
  const ref = /\/auth\/error\?ref=([0-9a-f-]{36})$/.exec(location)?.[1];
  expect(ref, location).toBeTruthy();
  const [event] = await sql`select e.type, e.reason_code, e.source, e.detail, o.slug from provisioning_events e join organizations o on o.id = e.organization_id where e.id = ${ref!}`;
  const [unattributed] = await sql`select reason_code, issuer, step from sso_failures where id = ${ref!}`;
  return { ref: ref!, event, unattributed };
}

test('a replayed response is refused, and its reference finds the failure in Acme’s Provisioning Log', async ({ request, page }) => {
  const email = uniqueEmail('sec.replay', 'acme.example');
  const saml = await response(request, email);
  expect(await postToAcs(request, saml)).toMatch(/idp-login\?code=/);
  const location = await postToAcs(request, saml);
  const { ref, event } = await failureOf(location);
  expect(event).toMatchObject({ type: 'sso_failed', reason_code: 'sso_replayed', source: 'sso', slug: 'acme', detail: { step: 'acs', issuer: `${e2eState().samlOrigin}/metadata` } });

  // The person's page says where the reference leads; the admin finds it there.
  await page.goto(location);
  await expect(page.getByTestId('error-ref')).toHaveText(ref);
  await expect(page.getByText('they find what happened under this reference in the Provisioning Log')).toBeVisible();
  await signIn(page, DEMO.acmeAdmin);
  await page.goto('/provisioning-log');
  await page.getByLabel('Reference').fill(ref);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const row = page.locator(`tr[data-event-id="${ref}"]`);
  await expect(row).toContainText('Sign-in failed');
  await expect(row).toContainText('sso_replayed — The identity provider’s response was already used once (a replay)');
  // Another organization's admin does not see it.
  await page.context().clearCookies();
  await signIn(page, DEMO.globexAdmin);
  await page.goto(`/provisioning-log?ref=${ref}`);
  await expect(page.getByText('No events match')).toBeVisible();
});

const refusals: [string, Partial<ResponseOptions>, string][] = [
  ['for another audience', { audience: 'urn:someone-else:sp' }, 'sso_audience_invalid'],
  ['signed with a key not in the metadata', { signWithOtherKey: true }, 'sso_signature_invalid'],
  ['unsigned', { unsigned: true }, 'sso_signature_invalid'],
  ['tampered after signing', { tamper: true }, 'sso_signature_invalid'],
  ['expired', { notOnOrAfterSeconds: -3600 }, 'sso_expired'],
];
for (const [name, defects, reason] of refusals) {
  test(`a response ${name} is refused, creates nothing and is logged as ${reason}`, async ({ request }) => {
    const email = uniqueEmail('sec.bad', 'acme.example');
    const location = await postToAcs(request, await response(request, email, defects));
    expect((await failureOf(location)).event).toMatchObject({ type: 'sso_failed', reason_code: reason, slug: 'acme' });
    await follow(request, location);
    expect(await exists(email)).toBe(false);
  });
}

test('a response from an issuer no organization connected is logged without an organization, and any admin’s reference search explains it', async ({ request, page }) => {
  const xml = Buffer.from(await response(request, uniqueEmail('sec.stranger', 'acme.example')), 'base64').toString('utf8');
  const stranger = xml.replace(/(<(?:\w+:)?Issuer\b[^>]*>)[^<]*/, '$1urn:stranger:idp');
  expect(stranger).not.toBe(xml);
  const location = await postToAcs(request, Buffer.from(stranger).toString('base64'));
  const { ref, event, unattributed } = await failureOf(location);
  expect(event).toBeUndefined();
  expect(unattributed).toMatchObject({ reason_code: 'sso_unknown_connection', issuer: 'urn:stranger:idp', step: 'acs' });
  await signIn(page, DEMO.globexAdmin);
  await page.goto(`/provisioning-log?ref=${ref}`);
  await expect(page.getByTestId('unattributed-failure')).toContainText('sso_unknown_connection');
  await expect(page.getByTestId('unattributed-failure')).not.toContainText('urn:stranger:idp');
});

test('a post with no SAMLResponse gets a reference too', async ({ request }) => {
  const res = await request.post('/api/oauth/saml', { form: { RelayState: '' }, maxRedirects: 0 });
  expect(res.status()).toBe(303);
  expect((await failureOf(res.headers().location!)).unattributed).toMatchObject({ reason_code: 'sso_no_response', step: 'acs' });
});
