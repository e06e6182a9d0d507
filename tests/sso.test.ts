import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reloadEnv } from '@/lib/env';
import { eq } from 'drizzle-orm';
import { organizations, provisioningEvents, ssoFailures } from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { createOidcConnection, createSamlConnection, deleteConnection, listConnections, spDetails } from '@/lib/sso/connections';
import { getJackson } from '@/lib/sso/jackson';
import { failureReason, recordSsoFailure } from '@/lib/sso/failures';
import { assertionIds, claimAssertions } from '@/lib/sso/replay';
import { startOidcProvider, type TestOidcProvider } from '../e2e/idp/oidc-provider';
import { startSamlIdp, type SamlIdp } from '../e2e/idp/saml-idp';
import { testDb } from './db';

// SSO connections through the in-process Jackson, on this file's own database, with
// real IdPs for metadata and discovery.

const { db } = testDb();
let idp: SamlIdp;
let oidc: TestOidcProvider;
let fake: http.Server;
let fakeOrigin = '';
const org: Record<string, string> = {};

beforeAll(async () => {
  await seedDemo(db);
  for (const o of await db.select().from(organizations)) org[o.slug] = o.id;
  idp = await startSamlIdp();
  oidc = await startOidcProvider();
  oidc.addClient({ client_id: 'c1', client_secret: 's1', redirect_uris: [spDetails().oidcRedirectUrl] });
  // A server that answers what a hostile tenant would point us at.
  fake = http.createServer((req, res) => {
    if (req.url === '/html') return res.end('<html>login page</html>');
    if (req.url === '/to-db') return res.writeHead(302, { location: process.env.DATABASE_URL!.replace(/^postgres(ql)?:/, 'http:') }).end();
    const doc = { issuer: fakeOrigin, authorization_endpoint: `${fakeOrigin}/auth`, token_endpoint: req.url === '/internal-token' ? 'https://10.0.0.7/token' : `${fakeOrigin}/token`, jwks_uri: `${fakeOrigin}/jwks` };
    res.setHeader('content-type', 'application/json').end(JSON.stringify(doc));
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  fakeOrigin = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  // The tests' IdPs listen on loopback over http: the operator allowlist lets exactly them through.
  process.env.OUTBOUND_ALLOWED_ORIGINS = [idp.origin, new URL(oidc.issuer).origin, fakeOrigin].join(',');
  reloadEnv();
}, 60_000);
afterAll(async () => {
  await (await getJackson()).close();
  await idp.close();
  await oidc.close();
  fake.closeAllConnections();
  fake.close();
});

describe('SSO connections', () => {
  it('adds a SAML connection from metadata XML, lists it for its organization only, refuses a second one, deletes it', async () => {
    const created = await createSamlConnection(org.acme!, { kind: 'sso', metadataXml: idp.metadataXml });
    expect(created).toMatchObject({ ok: true, connection: { kind: 'sso', protocol: 'saml', idp: idp.entityId } });
    expect(await listConnections(org.acme!)).toHaveLength(1);
    expect(await listConnections(org.globex!)).toEqual([]);

    const again = await createSamlConnection(org.acme!, { kind: 'sso', metadataXml: idp.metadataXml });
    expect(again).toEqual({ ok: false, error: 'This organization already has an SSO connection. Delete it first to replace it.' });

    expect(await deleteConnection(org.globex!, 'sso')).toBe(false);
    expect(await listConnections(org.acme!)).toHaveLength(1);
    expect(await deleteConnection(org.acme!, 'sso')).toBe(true);
    expect(await listConnections(org.acme!)).toEqual([]);
  });

  it('adds a SAML connection from a metadata URL, as the KaseyaOne connection', async () => {
    const created = await createSamlConnection(org.globex!, { kind: 'kaseyaone', metadataUrl: idp.metadataUrl });
    expect(created).toMatchObject({ ok: true, connection: { kind: 'kaseyaone', idp: idp.entityId } });
    expect((await listConnections(org.globex!)).map((c) => c.kind)).toEqual(['kaseyaone']);
    await deleteConnection(org.globex!, 'kaseyaone');
  });

  it('a metadata URL on a loopback or private address, or that is not SAML metadata, is refused in plain words', async () => {
    const dbPort = new URL(process.env.DATABASE_URL!).port;
    const cases: [string, string][] = [
      [`http://127.0.0.1:${dbPort}/`, 'The metadata URL could not be fetched: only https URLs are allowed.'],
      [`https://127.0.0.1:${dbPort}/`, 'The metadata URL could not be fetched: address not allowed.'],
      [`https://localhost:${dbPort}/`, 'The metadata URL could not be fetched: address not allowed.'],
      ['https://169.254.169.254/latest/meta-data/', 'The metadata URL could not be fetched: address not allowed.'],
      ['https://[::ffff:7f00:1]/', 'The metadata URL could not be fetched: address not allowed.'],
      [`${fakeOrigin}/html`, 'The metadata URL could not be fetched: not SAML metadata.'],
      [`${fakeOrigin}/to-db`, 'The metadata URL could not be fetched: it redirects too often or to a URL that is not allowed.'],
    ];
    for (const [metadataUrl, error] of cases) {
      expect(await createSamlConnection(org.acme!, { kind: 'sso', metadataUrl })).toEqual({ ok: false, error: 'Check the highlighted fields.', fieldErrors: { metadataUrl: error } });
    }
    expect(await listConnections(org.acme!)).toEqual([]);
  });

  it('an OIDC discovery URL or a discovery document that names an internal endpoint is refused', async () => {
    const dbPort = new URL(process.env.DATABASE_URL!).port;
    const refused = await createOidcConnection(org.acme!, { kind: 'sso', discoveryUrl: `http://localhost:${dbPort}/.well-known/openid-configuration`, clientId: 'c', clientSecret: 's' });
    expect(refused).toMatchObject({ ok: false, fieldErrors: { discoveryUrl: 'The discovery URL could not be fetched: only https URLs are allowed.' } });
    const internal = await createOidcConnection(org.acme!, { kind: 'sso', discoveryUrl: `${fakeOrigin}/internal-token`, clientId: 'c', clientSecret: 's' });
    expect(internal).toMatchObject({ ok: false, fieldErrors: { discoveryUrl: "The discovery document's token_endpoint is not allowed: address not allowed." } });
    const notJson = await createOidcConnection(org.acme!, { kind: 'sso', discoveryUrl: `${fakeOrigin}/html`, clientId: 'c', clientSecret: 's' });
    expect(notJson).toMatchObject({ ok: false, fieldErrors: { discoveryUrl: 'The discovery URL could not be fetched: not an OpenID Connect discovery document.' } });
    expect(await listConnections(org.acme!)).toEqual([]);
  });

  it.each([
    [{ kind: 'sso', metadataXml: '<html>not metadata</html>' }, 'metadataXml', 'This is not SAML metadata: no EntityDescriptor element.'],
    [{ kind: 'sso' }, 'metadataXml', 'Give either the metadata XML or its URL.'],
    [{ kind: 'sso', metadataUrl: 'ftp://idp.example/metadata' }, 'metadataUrl', 'Enter an http(s) URL.'],
    [{ kind: 'partner', metadataXml: '<EntityDescriptor/>' }, 'kind', undefined],
  ])('refuses bad SAML input %j with a field error and creates nothing', async (input, field, message) => {
    const res = await createSamlConnection(org.acme!, input);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(Object.keys(res.fieldErrors ?? {})).toContain(field);
    if (message) expect(res.fieldErrors![field]).toBe(message);
    expect(await listConnections(org.acme!)).toEqual([]);
  });

  it('metadata that parses as XML but that Jackson cannot use gets a clear error', async () => {
    const res = await createSamlConnection(org.acme!, { kind: 'sso', metadataXml: '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"></md:EntityDescriptor>' });
    expect(res).toMatchObject({ ok: false });
    expect((res as { error: string }).error).toMatch(/^The identity provider's metadata was not accepted: /);
    expect(await listConnections(org.acme!)).toEqual([]);
  });

  it('adds an OIDC connection from a discovery URL and validates its fields', async () => {
    const bad = await createOidcConnection(org.globex!, { kind: 'sso', discoveryUrl: 'not a url', clientId: '', clientSecret: '' });
    expect(bad).toMatchObject({ ok: false, fieldErrors: { discoveryUrl: expect.any(String), clientId: 'Enter the client ID.', clientSecret: 'Enter the client secret.' } });
    const created = await createOidcConnection(org.globex!, { kind: 'sso', discoveryUrl: oidc.discoveryUrl, clientId: 'c1', clientSecret: 's1' });
    expect(created).toMatchObject({ ok: true, connection: { protocol: 'oidc', idp: oidc.discoveryUrl } });
  });
});

describe('SAML replay guard', () => {
  it('claims an assertion once; the same assertion again is a replay', async () => {
    const response = await idp.buildResponse({ acsUrl: spDetails().acsUrl, audience: spDetails().entityId, user: { nameId: 'r@acme.example', email: 'r@acme.example' } });
    expect(assertionIds(response)).toHaveLength(1);
    expect(await claimAssertions(db, response)).toBe('fresh');
    expect(await claimAssertions(db, response)).toBe('replayed');
    const other = await idp.buildResponse({ acsUrl: spDetails().acsUrl, audience: spDetails().entityId, user: { nameId: 'r@acme.example', email: 'r@acme.example' } });
    expect(await claimAssertions(db, other)).toBe('fresh');
  });

  it('reads nothing from a payload that is not XML (Jackson then refuses it)', async () => {
    expect(assertionIds(Buffer.from('not xml at all').toString('base64'))).toEqual([]);
    expect(await claimAssertions(db, 'bm90IHhtbA==')).toBe('fresh');
  });
});

describe('SSO failures are recorded under the reference the person sees', () => {
  const failed = async (ref: string) => ({
    event: (await db.select().from(provisioningEvents).where(eq(provisioningEvents.id, ref)))[0],
    unattributed: (await db.select().from(ssoFailures).where(eq(ssoFailures.id, ref)))[0],
  });

  it('in the organization whose connection names the issuer, with the reason and the (unverified) issuer', async () => {
    const own = await startSamlIdp();
    try {
      expect(await createSamlConnection(org.acme!, { kind: 'sso', metadataXml: own.metadataXml })).toMatchObject({ ok: true });
      const response = await own.buildResponse({ acsUrl: spDetails().acsUrl, audience: 'urn:someone-else:sp', user: { nameId: 'f@acme.example', email: 'f@acme.example' } });
      const ref = await recordSsoFailure(db, 'acs', new Error('Invalid audience.'), { samlResponse: response });
      expect(await failed(ref)).toMatchObject({
        event: { organizationId: org.acme, type: 'sso_failed', reasonCode: 'sso_audience_invalid', source: 'sso', detail: { step: 'acs', issuer: own.entityId, detail: expect.stringContaining('audience') } },
        unattributed: undefined,
      });
    } finally {
      await deleteConnection(org.acme!, 'sso');
      await own.close();
    }
  });

  it('by the tenant an authorize request names; a made-up or unknown one is kept without an organization', async () => {
    const byTenant = await recordSsoFailure(db, 'authorize', new Error('SAML connection not found.'), { params: { tenant: org.globex!, product: 'auth-provision-kaseyaone' } });
    expect((await failed(byTenant)).event).toMatchObject({ organizationId: org.globex, reasonCode: 'sso_unknown_connection', source: 'kaseyaone' });
    const madeUp = await recordSsoFailure(db, 'authorize', new Error('SAML connection not found.'), { params: { tenant: '00000000-0000-4000-8000-000000000000' } });
    expect(await failed(madeUp)).toMatchObject({ event: undefined, unattributed: { step: 'authorize', reasonCode: 'sso_unknown_connection', issuer: null } });
    const garbage = await recordSsoFailure(db, 'acs', new Error('Invalid XML.'), { samlResponse: Buffer.from('<not-saml').toString('base64') });
    expect((await failed(garbage)).unattributed).toMatchObject({ reasonCode: 'sso_invalid_response', issuer: null });
  });

  it('names the reason from Jackson’s and its SAML library’s wording', () => {
    expect(failureReason('replayed SAML assertion')).toBe('sso_replayed');
    expect(failureReason('invalid signature: Failed to verify signature against all the certificates provided.')).toBe('sso_signature_invalid');
    expect(failureReason('Assertion is expired.')).toBe('sso_expired');
    expect(failureReason('Unable to validate state from the origin request.')).toBe('sso_request_mismatch');
    expect(failureReason('Invalid Status Code (urn:oasis:names:tc:SAML:2.0:status:Responder).')).toBe('sso_idp_refused');
    expect(failureReason('socket hang up')).toBe('sso_failed');
  });
});
