import { generateKeyPairSync } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import saml20 from '@boxyhq/saml20';
import samlify from 'samlify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSamlIdp, type ResponseOptions, type SamlIdp } from './saml-idp';

const { Constants, IdentityProvider, ServiceProvider, setSchemaValidator } = samlify;

// samlify refuses to parse anything until a schema validator is registered. No XSD
// validator is installed, so schema validation is skipped here; signatures, issuer and
// time conditions are still checked by samlify.
setSchemaValidator({ validate: async () => 'skipped' });

const SP_ENTITY_ID = 'https://saml.boxyhq.com';
const ACS_URL = 'http://localhost:3210/api/oauth/saml';

const user = {
  nameId: 'ada@acme.example',
  email: 'ada@acme.example',
  firstName: 'Ada',
  lastName: 'Lovelace',
  groups: ['admins', 'R&D <core>'],
  domain: 'acme.example',
  products: ['crm'],
  partnerOrgId: 'partner-42',
};

let idp: SamlIdp;
let idpEntity: ReturnType<typeof IdentityProvider>;
const sp = ServiceProvider({
  entityID: SP_ENTITY_ID,
  assertionConsumerService: [{ Binding: Constants.namespace.binding.post, Location: ACS_URL }],
  wantAssertionsSigned: true,
});

beforeAll(async () => {
  idp = await startSamlIdp();
  idpEntity = IdentityProvider({ metadata: idp.metadataXml });
});
afterAll(() => idp?.close());

function build(opts: Partial<ResponseOptions> = {}) {
  return idp.buildResponse({ acsUrl: ACS_URL, audience: SP_ENTITY_ID, user, ...opts });
}

function spParse(samlResponse: string) {
  return sp.parseLoginResponse(idpEntity, 'post', { body: { SAMLResponse: samlResponse } });
}

/** Validates like Jackson does: @boxyhq/saml20 with the public key parsed from our metadata. */
async function jacksonValidate(samlResponse: string, opts: { inResponseTo?: string; audience?: string } = {}) {
  const meta = await saml20.parseMetadata(idp.metadataXml, {});
  return saml20.validate(Buffer.from(samlResponse, 'base64').toString('utf8'), {
    publicKey: meta.publicKey,
    audience: opts.audience ?? SP_ENTITY_ID,
    inResponseTo: opts.inResponseTo,
  });
}

function hiddenField(html: string, name: string): string | undefined {
  const m = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
  return m?.[1]?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

async function postForm(url: string, fields: Record<string, string>) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
}

describe('buildResponse, verified by samlify ServiceProvider', () => {
  it('is accepted with signature, attributes, audience, destination and InResponseTo', async () => {
    const { extract } = await spParse(await build({ inResponseTo: '_req123' }));
    expect(extract.nameID).toBe(user.nameId);
    expect(extract.issuer).toBe(idp.entityId);
    expect(extract.audience).toBe(SP_ENTITY_ID);
    // samlify itself does not compare InResponseTo or Destination with anything; check them here.
    expect(extract.response).toMatchObject({ inResponseTo: '_req123', destination: ACS_URL });
    expect(extract.attributes).toEqual({
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      groups: user.groups,
      domain: user.domain,
      products: 'crm',
      partnerOrgId: user.partnerOrgId,
    });
  });

  it('signs both the Response and the Assertion with RSA-SHA256', async () => {
    const xml = Buffer.from(await build(), 'base64').toString('utf8');
    expect(xml.match(/<ds:Signature /g)).toHaveLength(2);
    expect(xml.match(/xmldsig-more#rsa-sha256/g)).toHaveLength(2);
    expect(xml).toMatch(/<samlp:Response [^>]*><saml:Issuer>[^<]+<\/saml:Issuer><ds:Signature /);
    expect(xml).toMatch(/<saml:Assertion [^>]*><saml:Issuer>[^<]+<\/saml:Issuer><ds:Signature /);
  });

  it('has no InResponseTo when IdP-initiated, and omits empty attributes', async () => {
    const samlResponse = await build({ user: { nameId: 'bob@acme.example', email: 'bob@acme.example', products: [], groups: [''] } });
    const { extract } = await spParse(samlResponse);
    expect(extract.response?.inResponseTo).toBeUndefined();
    expect(Buffer.from(samlResponse, 'base64').toString()).not.toContain('InResponseTo');
    expect(extract.attributes).toEqual({ email: 'bob@acme.example' });
  });

  it('adds extra attributes', async () => {
    const { extract } = await spParse(await build({ user: { nameId: 'x@y.example', extra: { role: ['a', 'b'], tier: 'gold' } } }));
    expect(extract.attributes).toEqual({ role: ['a', 'b'], tier: 'gold' });
  });

  it('rejects a tampered response', async () => {
    const samlResponse = await build({ tamper: true });
    expect(Buffer.from(samlResponse, 'base64').toString()).toContain('-tampered<');
    await expect(spParse(samlResponse)).rejects.toThrow();
  });

  it('rejects an unsigned response', async () => {
    const samlResponse = await build({ unsigned: true });
    expect(Buffer.from(samlResponse, 'base64').toString()).not.toContain('Signature');
    await expect(spParse(samlResponse)).rejects.toThrow('FAILED_TO_VERIFY_SIGNATURE');
  });

  it('rejects a response signed by a key not in the metadata', async () => {
    // samlify compares the KeyInfo certificate with the metadata before verifying.
    await expect(spParse(await build({ signWithOtherKey: true }))).rejects.toThrow('ERROR_UNMATCH_CERTIFICATE_DECLARATION_IN_METADATA');
  });

  it('rejects an expired response', async () => {
    // samlify checks Conditions NotBefore/NotOnOrAfter itself (no clock drift by default).
    await expect(spParse(await build({ notOnOrAfterSeconds: -60 }))).rejects.toThrow('ERR_SUBJECT_UNCONFIRMED');
  });
});

describe('buildResponse, verified like Jackson (@boxyhq/saml20)', () => {
  it('is accepted, with multi-valued groups and every attribute in the claims', async () => {
    const profile = await jacksonValidate(await build({ inResponseTo: '_req1' }), { inResponseTo: '_req1' });
    expect(profile.issuer).toBe(idp.entityId);
    expect(profile.claims).toMatchObject({
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      groups: user.groups,
      domain: user.domain,
      partnerOrgId: user.partnerOrgId,
      // xml2js flattens a single value, so a one-element multi-valued attribute arrives as a string.
      products: 'crm',
    });
  });

  it('rejects a mismatched InResponseTo or audience', async () => {
    const samlResponse = await build({ inResponseTo: '_req1' });
    await expect(jacksonValidate(samlResponse, { inResponseTo: '_other' })).rejects.toThrow('Invalid InResponseTo.');
    await expect(jacksonValidate(samlResponse, { audience: 'https://other.example' })).rejects.toThrow('Invalid audience.');
  });

  it('rejects tampered, unsigned and foreign-key responses', async () => {
    await expect(jacksonValidate(await build({ tamper: true }))).rejects.toThrow(/^Invalid assertion signature\.$/);
    // saml20 wraps the xml-crypto failure (no signature / wrong key) as "Invalid assertion."
    await expect(jacksonValidate(await build({ unsigned: true }))).rejects.toThrow(/^Invalid assertion\.$/);
    await expect(jacksonValidate(await build({ signWithOtherKey: true }))).rejects.toThrow(/^Invalid assertion\.$/);
  });

  it('rejects an expired response only beyond its 10 minutes of clock skew', async () => {
    await expect(jacksonValidate(await build({ notOnOrAfterSeconds: -60 }))).resolves.toBeDefined();
    await expect(jacksonValidate(await build({ notOnOrAfterSeconds: -3600 }))).rejects.toThrow('Assertion is expired.');
  });
});

describe('HTTP endpoints', () => {
  it('GET /metadata returns the metadata with the signing certificate', async () => {
    const res = await fetch(idp.metadataUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('xml');
    const body = await res.text();
    expect(body).toBe(idp.metadataXml);
    const cert = idpEntity.entityMeta.getX509Certificate('signing');
    expect(typeof cert === 'string' && cert.length > 500).toBe(true);
    expect(body).toContain(`<ds:X509Certificate>${String(cert)}</ds:X509Certificate>`);
    expect(body).toContain('<NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>');

    const meta = await saml20.parseMetadata(body, {});
    expect(meta).toMatchObject({ entityID: idp.entityId, sso: { redirectUrl: idp.ssoUrl, postUrl: idp.ssoUrl } });
  });

  it('SP-initiated: GET /sso renders the form, POST /sso/login posts a valid response to the ACS', async () => {
    const { id, context: redirectUrl } = sp.createLoginRequest(idpEntity, 'redirect', { relayState: 'rs-1' });
    expect(redirectUrl.startsWith(`${idp.ssoUrl}?`)).toBe(true);
    const res = await fetch(`${redirectUrl}&firstName=Ada&groups=admins&groups=ops`);
    expect(res.status).toBe(200);
    const form = await res.text();
    expect(hiddenField(form, 'requestId')).toBe(id);
    expect(hiddenField(form, 'acsUrl')).toBe(ACS_URL);
    expect(hiddenField(form, 'audience')).toBe(SP_ENTITY_ID);
    expect(hiddenField(form, 'relayState')).toBe('rs-1');
    for (const label of ['Name ID', 'Email', 'First name', 'Last name', 'Groups', 'Domain', 'Products', 'Partner org ID']) {
      expect(form).toMatch(new RegExp(`<label for="f-\\w+">${label}</label>`));
    }
    expect(form).toContain('<button type="submit">Sign in</button>');
    expect(form).toContain('value="Ada"');
    expect(form).toMatch(/<textarea id="f-groups" name="groups" rows="3">admins\nops<\/textarea>/);

    const login = await postForm(`${idp.origin}/sso/login`, {
      requestId: id,
      acsUrl: ACS_URL,
      audience: SP_ENTITY_ID,
      relayState: 'rs-1',
      nameId: 'ada@acme.example',
      email: 'ada@acme.example',
      firstName: 'Ada',
      lastName: '',
      groups: 'admins\r\n\r\n ops \r\n',
      domain: 'acme.example',
      products: '',
      partnerOrgId: 'p-1',
    });
    expect(login.status).toBe(200);
    const post = await login.text();
    expect(post).toContain(`<form method="post" action="${ACS_URL}">`);
    expect(post).toContain('<button type="submit">Continue</button>');
    expect(hiddenField(post, 'RelayState')).toBe('rs-1');
    const samlResponse = hiddenField(post, 'SAMLResponse');
    expect(samlResponse).toBeTruthy();

    const { extract } = await spParse(samlResponse!);
    expect(extract.response?.inResponseTo).toBe(id);
    expect(extract.attributes).toEqual({
      email: 'ada@acme.example',
      firstName: 'Ada',
      groups: ['admins', 'ops'],
      domain: 'acme.example',
      partnerOrgId: 'p-1',
    });
  });

  it('GET /sso accepts a Jackson-style signed AuthnRequest', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const { id, request } = saml20.request({
      ssoUrl: idp.ssoUrl,
      entityID: SP_ENTITY_ID,
      callbackUrl: ACS_URL,
      signingKey: privateKey,
      publicKey,
    });
    const query = new URLSearchParams({ RelayState: 'boxyhq_jackson_abc', SAMLRequest: deflateRawSync(request).toString('base64') });
    const form = await (await fetch(`${idp.ssoUrl}?${query}`)).text();
    expect(hiddenField(form, 'requestId')).toBe(id);
    expect(hiddenField(form, 'acsUrl')).toBe(ACS_URL);
    expect(hiddenField(form, 'audience')).toBe(SP_ENTITY_ID);
    expect(hiddenField(form, 'relayState')).toBe('boxyhq_jackson_abc');
  });

  it('POST /sso accepts the HTTP-POST binding', async () => {
    const { id, context } = sp.createLoginRequest(idpEntity, 'post', { relayState: 'rs-post' });
    const form = await (await postForm(idp.ssoUrl, { SAMLRequest: context, RelayState: 'rs-post' })).text();
    expect(hiddenField(form, 'requestId')).toBe(id);
    expect(hiddenField(form, 'relayState')).toBe('rs-post');
  });

  it('IdP-initiated: the form has no request ID and the response no InResponseTo', async () => {
    const query = new URLSearchParams({ acs: ACS_URL, audience: SP_ENTITY_ID, RelayState: '' });
    const form = await (await fetch(`${idp.origin}/idp-initiated?${query}`)).text();
    expect(hiddenField(form, 'requestId')).toBeUndefined();
    expect(hiddenField(form, 'acsUrl')).toBe(ACS_URL);

    const post = await (
      await postForm(`${idp.origin}/sso/login`, { acsUrl: ACS_URL, audience: SP_ENTITY_ID, relayState: '', email: 'eve@acme.example', products: 'crm\nerp' })
    ).text();
    expect(hiddenField(post, 'RelayState')).toBeUndefined();
    const { extract } = await spParse(hiddenField(post, 'SAMLResponse')!);
    expect(extract.response?.inResponseTo).toBeUndefined();
    expect(extract.nameID).toBe('eve@acme.example');
    expect(extract.attributes).toEqual({ email: 'eve@acme.example', products: ['crm', 'erp'] });
  });

  it('answers bad requests with 4xx', async () => {
    expect((await fetch(`${idp.ssoUrl}`)).status).toBe(400);
    expect((await fetch(`${idp.ssoUrl}?SAMLRequest=not-deflate`)).status).toBe(400);
    expect((await fetch(`${idp.origin}/idp-initiated`)).status).toBe(400);
    expect((await postForm(`${idp.origin}/sso/login`, { acsUrl: ACS_URL, audience: SP_ENTITY_ID })).status).toBe(400);
    expect((await fetch(`${idp.origin}/nope`)).status).toBe(404);
  });
});
