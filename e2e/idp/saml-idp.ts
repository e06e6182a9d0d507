/**
 * A real SAML 2.0 Identity Provider for tests, built on samlify (metadata, AuthnRequest
 * parsing, XML signatures via xml-crypto). It serves metadata, an SSO endpoint
 * (HTTP-Redirect and HTTP-POST bindings) that renders a login form, and answers with a
 * signed Response posted to the SP's ACS URL (HTTP-POST binding).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
// samlify is CommonJS and some of its named exports (SamlLib, Utility) are not visible
// to Node's ESM named-import detection, so take the whole module object.
import samlify from 'samlify';

export type SamlUser = {
  nameId: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  groups?: string[];
  domain?: string;
  products?: string[];
  partnerOrgId?: string;
  extra?: Record<string, string | string[]>;
};

export type ResponseOptions = {
  /** SP's ACS URL (Destination/Recipient). */
  acsUrl: string;
  /** SP entity id (Audience). */
  audience: string;
  /** AuthnRequest ID; omit for IdP-initiated. */
  inResponseTo?: string;
  user: SamlUser;
  /**
   * Default 300. Negative makes an expired assertion whose whole validity window lies in
   * the past. Jackson (@boxyhq/saml20) allows 10 minutes of clock skew, so use less than
   * -600 (e.g. -3600) for Jackson to reject it.
   */
  notOnOrAfterSeconds?: number;
  /** Sign, then alter an attribute value so the signatures no longer verify. */
  tamper?: boolean;
  /** No signature at all. */
  unsigned?: boolean;
  /** Signed by a key whose certificate is not in the metadata. */
  signWithOtherKey?: boolean;
};

export type SamlIdp = {
  entityId: string;
  /** HTTP-Redirect SSO endpoint. */
  ssoUrl: string;
  /** GET returns metadataXml. */
  metadataUrl: string;
  /** IdP metadata with the signing certificate, SSO endpoint (Redirect + POST), NameIDFormat emailAddress. */
  metadataXml: string;
  /** e.g. http://127.0.0.1:PORT */
  origin: string;
  /** base64 SAMLResponse ready to POST to the ACS (SAMLResponse + RelayState form fields). */
  buildResponse(opts: ResponseOptions): Promise<string>;
  close(): Promise<void>;
};

const { Constants, Extractor, IdentityProvider, SamlLib, Utility } = samlify;

const NAMEID_EMAIL = Constants.namespace.format.emailAddress;
const ATTRNAME_BASIC = 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic';
const RSA_SHA256 = Constants.algorithms.signature.RSA_SHA256;
const DEFAULT_TTL_SECONDS = 300;
const MAX_BODY_BYTES = 1024 * 1024;

type KeyPair = { privateKeyPem: string; certPem: string };

// node-forge ships with @boxyhq/saml-jackson but has no typings installed; this is the
// small part of its API used to self-sign a certificate.
type ForgeCertificate = {
  publicKey: unknown;
  serialNumber: string;
  validity: { notBefore: Date; notAfter: Date };
  setSubject(attrs: { name: string; value: string }[]): void;
  setIssuer(attrs: { name: string; value: string }[]): void;
  sign(key: unknown, md: unknown): void;
};
type Forge = {
  pki: {
    privateKeyFromPem(pem: string): unknown;
    publicKeyFromPem(pem: string): unknown;
    createCertificate(): ForgeCertificate;
    certificateToPem(cert: ForgeCertificate): string;
  };
  md: { sha256: { create(): unknown } };
};
const forge = createRequire(import.meta.url)('node-forge') as Forge;

function generateKeyPair(commonName: string): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // Leading 01 keeps the DER integer positive.
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600_000);
  cert.validity.notAfter = new Date(now + 365 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { privateKeyPem: privateKey, certPem: forge.pki.certificateToPem(cert) };
}

function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const htmlEscape = xmlEscape;

function newId(): string {
  return `_${randomBytes(16).toString('hex')}`;
}

function userAttributes(user: SamlUser): [string, string[]][] {
  const attrs: [string, string | string[] | undefined][] = [
    ['email', user.email],
    ['firstName', user.firstName],
    ['lastName', user.lastName],
    ['groups', user.groups],
    ['domain', user.domain],
    ['products', user.products],
    ['partnerOrgId', user.partnerOrgId],
    ...Object.entries(user.extra ?? {}),
  ];
  return attrs
    .map(([name, value]): [string, string[]] => [name, ([] as string[]).concat(value ?? []).filter((v) => v !== '')])
    .filter(([, values]) => values.length > 0);
}

function attributeStatementXml(user: SamlUser): string {
  const attrs = userAttributes(user)
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${xmlEscape(name)}" NameFormat="${ATTRNAME_BASIC}">` +
        values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${xmlEscape(v)}</saml:AttributeValue>`).join('') +
        '</saml:Attribute>',
    )
    .join('');
  return attrs ? `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>` : '';
}

/**
 * Signs the Assertion first, then the Response (whose enveloped signature then also covers
 * the assertion signature) — the same references and placement samlify's own POST binding
 * uses: each ds:Signature right after its element's Issuer, as the schema requires.
 */
function signResponse(xml: string, key: KeyPair): string {
  const common = {
    privateKey: key.privateKeyPem,
    // KeyInfo wants the bare base64 body, as samlify reads it back from metadata.
    signingCert: Utility.normalizeCerString(key.certPem),
    signatureAlgorithm: RSA_SHA256,
    isBase64Output: false,
  };
  const assertionSigned = SamlLib.constructSAMLSignature({
    ...common,
    rawSamlMessage: xml,
    referenceTagXPath: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']",
    signatureConfig: {
      prefix: 'ds',
      location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' },
    },
  });
  return SamlLib.constructSAMLSignature({
    ...common,
    rawSamlMessage: assertionSigned,
    isMessageSigned: true,
    signatureConfig: {
      prefix: 'ds',
      location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", action: 'after' },
    },
  });
}

/** Changes the first attribute value (or the NameID when there are none) of signed XML. */
function tamperSignedXml(xml: string): string {
  const value = /(<saml:AttributeValue[^>]*>)([^<]*)(<\/saml:AttributeValue>)/;
  if (value.test(xml)) return xml.replace(value, '$1$2-tampered$3');
  return xml.replace(/(<saml:NameID[^>]*>)([^<]*)(<\/saml:NameID>)/, '$1tampered-$2$3');
}

function renderResponseXml(issuer: string, opts: ResponseOptions): string {
  const now = Date.now();
  const ttlMs = (opts.notOnOrAfterSeconds ?? DEFAULT_TTL_SECONDS) * 1000;
  const notOnOrAfter = new Date(now + ttlMs);
  // An expired assertion gets a whole validity window in the past, not just a past end.
  const issueInstant = ttlMs > 0 ? new Date(now) : new Date(notOnOrAfter.getTime() - DEFAULT_TTL_SECONDS * 1000);
  const assertionId = newId();
  // replaceTagsByValue escapes values, so the statements' XML goes in afterwards, at a marker
  // that escaped user data cannot contain.
  const marker = '<!--statements-->';
  const template = SamlLib.defaultLoginResponseTemplate.context.replace('{AuthnStatement}{AttributeStatement}', marker);
  const xml = SamlLib.replaceTagsByValue(template, {
    ID: newId(),
    AssertionID: assertionId,
    Destination: opts.acsUrl,
    Audience: opts.audience,
    SubjectRecipient: opts.acsUrl,
    Issuer: issuer,
    IssueInstant: issueInstant.toISOString(),
    StatusCode: Constants.StatusCode.Success,
    ConditionsNotBefore: issueInstant.toISOString(),
    ConditionsNotOnOrAfter: notOnOrAfter.toISOString(),
    SubjectConfirmationDataNotOnOrAfter: notOnOrAfter.toISOString(),
    NameIDFormat: NAMEID_EMAIL,
    NameID: opts.user.nameId,
    // undefined drops both InResponseTo attributes (IdP-initiated).
    InResponseTo: opts.inResponseTo,
  });
  const authnStatement =
    `<saml:AuthnStatement AuthnInstant="${issueInstant.toISOString()}" SessionIndex="${assertionId}">` +
    '<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>' +
    '</saml:AuthnStatement>';
  return xml.replace(marker, authnStatement + attributeStatementXml(opts.user));
}

type LoginContext = { requestId?: string; acsUrl: string; audience: string; relayState: string };

function fieldLines(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${htmlEscape(title)}</title></head><body>${body}</body></html>`;
}

function loginForm(ctx: LoginContext, prefill: URLSearchParams): string {
  const text = (name: string, label: string) => {
    const id = `f-${name}`;
    return `<p><label for="${id}">${label}</label> <input id="${id}" name="${name}" type="text" value="${htmlEscape(prefill.get(name) ?? '')}"></p>`;
  };
  const lines = (name: string, label: string) => {
    const id = `f-${name}`;
    // Accept either repeated query params or newline-separated values for pre-filling.
    const value = prefill.getAll(name).flatMap(fieldLines).join('\n');
    return `<p><label for="${id}">${label}</label> <textarea id="${id}" name="${name}" rows="3">${htmlEscape(value)}</textarea></p>`;
  };
  const hidden = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<input type="hidden" name="${name}" value="${htmlEscape(value)}">`;
  return page(
    'Test IdP sign-in',
    `<h1>Test IdP sign-in</h1>
<p>Signing in to <code>${htmlEscape(ctx.audience)}</code></p>
<form method="post" action="/sso/login">
${hidden('requestId', ctx.requestId)}${hidden('acsUrl', ctx.acsUrl)}${hidden('audience', ctx.audience)}${hidden('relayState', ctx.relayState)}
${text('nameId', 'Name ID')}
${text('email', 'Email')}
${text('firstName', 'First name')}
${text('lastName', 'Last name')}
${lines('groups', 'Groups')}
${text('domain', 'Domain')}
${lines('products', 'Products')}
${text('partnerOrgId', 'Partner org ID')}
<p><button type="submit">Sign in</button></p>
</form>`,
  );
}

function postToAcsForm(acsUrl: string, samlResponse: string, relayState: string): string {
  return page(
    'Continue to service provider',
    `<form method="post" action="${htmlEscape(acsUrl)}">
<input type="hidden" name="SAMLResponse" value="${htmlEscape(samlResponse)}">
${relayState ? `<input type="hidden" name="RelayState" value="${htmlEscape(relayState)}">` : ''}
<button type="submit">Continue</button>
</form>
<script>document.forms[0].submit();</script>`,
  );
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** AuthnRequest XML → login context, using samlify's extractor. */
function parseAuthnRequest(xml: string, relayState: string): LoginContext {
  const extracted = Extractor.extract(xml, Extractor.loginRequestFields);
  const request = extracted.request;
  const issuer = extracted.issuer;
  const requestId = typeof request?.id === 'string' ? request.id : undefined;
  const acsUrl = request?.assertionConsumerServiceUrl;
  if (!requestId) throw new HttpError(400, 'AuthnRequest has no ID');
  // This IdP knows no SP metadata, so the request must say where to answer.
  if (typeof acsUrl !== 'string' || !acsUrl) throw new HttpError(400, 'AuthnRequest has no AssertionConsumerServiceURL');
  if (typeof issuer !== 'string' || !issuer) throw new HttpError(400, 'AuthnRequest has no Issuer');
  return { requestId, acsUrl, audience: issuer, relayState };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startSamlIdp(opts: { port?: number; host?: string } = {}): Promise<SamlIdp> {
  const host = opts.host ?? '127.0.0.1';
  const signingKey = generateKeyPair('Test SAML IdP');
  const otherKey = generateKeyPair('Untrusted SAML IdP');

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const entityId = `${origin}/metadata`;
  const ssoUrl = `${origin}/sso`;

  const metadataXml = IdentityProvider({
    entityID: entityId,
    signingCert: signingKey.certPem,
    wantAuthnRequestsSigned: false,
    nameIDFormat: [NAMEID_EMAIL],
    singleSignOnService: [
      { Binding: Constants.namespace.binding.redirect, Location: ssoUrl },
      { Binding: Constants.namespace.binding.post, Location: ssoUrl },
    ],
  }).getMetadata();

  async function buildResponse(o: ResponseOptions): Promise<string> {
    let xml = renderResponseXml(entityId, o);
    if (!o.unsigned) xml = signResponse(xml, o.signWithOtherKey ? otherKey : signingKey);
    if (o.tamper) xml = tamperSignedXml(xml);
    return Buffer.from(xml, 'utf8').toString('base64');
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const send = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(body);
    };
    const html = (body: string) => send(200, 'text/html; charset=utf-8', body);
    const route = `${req.method} ${url.pathname}`;

    switch (route) {
      case 'GET /metadata':
        return send(200, 'application/samlmetadata+xml; charset=utf-8', metadataXml);

      case 'GET /sso': {
        const samlRequest = url.searchParams.get('SAMLRequest');
        if (!samlRequest) throw new HttpError(400, 'Missing SAMLRequest');
        let xml: string;
        try {
          xml = Utility.inflateString(samlRequest);
        } catch {
          throw new HttpError(400, 'SAMLRequest is not deflated base64');
        }
        return html(loginForm(parseAuthnRequest(xml, url.searchParams.get('RelayState') ?? ''), url.searchParams));
      }

      case 'POST /sso': {
        const form = new URLSearchParams(await readBody(req));
        const samlRequest = form.get('SAMLRequest');
        if (!samlRequest) throw new HttpError(400, 'Missing SAMLRequest');
        const xml = Buffer.from(samlRequest, 'base64').toString('utf8');
        return html(loginForm(parseAuthnRequest(xml, form.get('RelayState') ?? ''), url.searchParams));
      }

      case 'POST /forge': {
        // Test-only: a response with this IdP's identity but any defect (tamper, unsigned,
        // other key, expired), for specs that run in another process than the IdP.
        const options = JSON.parse(await readBody(req)) as ResponseOptions;
        return send(200, 'text/plain; charset=utf-8', await buildResponse(options));
      }

      case 'GET /idp-initiated': {
        const acsUrl = url.searchParams.get('acs');
        const audience = url.searchParams.get('audience');
        if (!acsUrl || !audience) throw new HttpError(400, 'acs and audience are required');
        return html(loginForm({ acsUrl, audience, relayState: url.searchParams.get('RelayState') ?? '' }, url.searchParams));
      }

      case 'POST /sso/login': {
        const form = new URLSearchParams(await readBody(req));
        const field = (name: string) => form.get(name)?.trim() || undefined;
        const acsUrl = field('acsUrl');
        const audience = field('audience');
        if (!acsUrl || !audience) throw new HttpError(400, 'acsUrl and audience are required');
        const nameId = field('nameId') ?? field('email');
        if (!nameId) throw new HttpError(400, 'Name ID or Email is required');
        const groups = fieldLines(form.get('groups'));
        const products = fieldLines(form.get('products'));
        const samlResponse = await buildResponse({
          acsUrl,
          audience,
          inResponseTo: field('requestId'),
          user: {
            nameId,
            email: field('email'),
            firstName: field('firstName'),
            lastName: field('lastName'),
            groups: groups.length ? groups : undefined,
            domain: field('domain'),
            products: products.length ? products : undefined,
            partnerOrgId: field('partnerOrgId'),
          },
        });
        return html(postToAcsForm(acsUrl, samlResponse, form.get('relayState') ?? ''));
      }

      default:
        throw new HttpError(404, 'Not found');
    }
  }

  server.on('request', (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(message);
    });
  });

  return {
    entityId,
    ssoUrl,
    metadataUrl: entityId,
    metadataXml,
    origin,
    buildResponse,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
