import type { z } from 'zod';
import type { OIDCSSORecord, SAMLSSORecord } from '@boxyhq/saml-jackson';
import { getEnv } from '@/lib/env';
import { checkUrl, describeOutboundError, fetchGuarded, OutboundError, resolveAllowed } from '@/lib/net/outbound';
import { fieldErrorsOf } from '@/lib/validation';
import { getJackson, PLATFORM_TENANT, SSO_PATHS, SSO_PRODUCTS, type SsoKind } from './jackson';
import { connectionKind, isSamlMetadata, MAX_METADATA_CHARS, oidcConnectionSchema, samlConnectionSchema, type ConnectionSummary } from './schemas';

export { oidcConnectionSchema, samlConnectionSchema, type ConnectionSummary };

// SSO connections of one organization, stored by Jackson (tenant = organization id,
// product = login source). Every input is validated here before it reaches Jackson.

export type ConnectionResult = { ok: true; connection: ConnectionSummary } | { ok: false; error: string; fieldErrors?: Record<string, string> };

/** What an admin copies into their IdP. */
export function spDetails() {
  const { appUrl, SAML_ENTITY_ID } = getEnv();
  return {
    entityId: SAML_ENTITY_ID,
    acsUrl: `${appUrl}${SSO_PATHS.acs}`,
    metadataUrl: `${appUrl}${SSO_PATHS.metadata}`,
    oidcRedirectUrl: `${appUrl}${SSO_PATHS.oidcRedirect}`,
  };
}

function redirects() {
  const { appUrl } = getEnv();
  // IdP-initiated logins land on defaultRedirectUrl; SP-initiated ones on next-auth's callback.
  return { defaultRedirectUrl: `${appUrl}${SSO_PATHS.idpLogin}`, redirectUrl: JSON.stringify([`${appUrl}/*`]) };
}

export async function listConnections(organizationId: string): Promise<ConnectionSummary[]> {
  const { connectionAPIController } = await getJackson();
  const out: ConnectionSummary[] = [];
  for (const k of connectionKind.options) {
    const found = await connectionAPIController.getConnections({ tenant: organizationId, product: SSO_PRODUCTS[k] });
    for (const c of found) out.push(summarize(k, c));
  }
  return out;
}

export async function createSamlConnection(organizationId: string, raw: unknown): Promise<ConnectionResult> {
  const parsed = samlConnectionSchema.safeParse(raw);
  if (!parsed.success) return invalid(parsed.error);
  const { kind: k, metadataXml, metadataUrl } = parsed.data;
  let rawMetadata = metadataXml ?? '';
  if (metadataUrl) {
    // We fetch through the outbound guard and hand Jackson the text: its own fetch (axios) follows redirects to any address.
    const fetched = await fetchMetadata(metadataUrl);
    if (!fetched.ok) return { ok: false, error: 'Check the highlighted fields.', fieldErrors: { metadataUrl: fetched.error } };
    rawMetadata = fetched.xml;
  }
  const taken = await existing(organizationId, k);
  if (taken) return taken;
  try {
    const { connectionAPIController } = await getJackson();
    const record = await connectionAPIController.createSAMLConnection({
      tenant: organizationId,
      product: SSO_PRODUCTS[k],
      ...redirects(),
      rawMetadata,
      name: k === 'kaseyaone' ? 'KaseyaOne' : 'SSO',
    } as Parameters<typeof connectionAPIController.createSAMLConnection>[0]);
    return { ok: true, connection: summarize(k, record) };
  } catch (err) {
    return { ok: false, error: `The identity provider's metadata was not accepted: ${jacksonMessage(err, 'it could not be read as SAML metadata with a signing certificate and a sign-on URL.')}` };
  }
}

async function fetchMetadata(url: string): Promise<{ ok: true; xml: string } | { ok: false; error: string }> {
  try {
    const { text } = await fetchGuarded(url, { accept: 'application/samlmetadata+xml, application/xml, text/xml' });
    if (text.length > MAX_METADATA_CHARS || !isSamlMetadata(text)) return { ok: false, error: 'The metadata URL could not be fetched: not SAML metadata.' };
    return { ok: true, xml: text };
  } catch (err) {
    return { ok: false, error: describeOutboundError('metadata URL', err) };
  }
}

/**
 * The discovery document, fetched through the guard, must name its endpoints on URLs the
 * guard allows; Jackson's OIDC client later fetches them through the guarded global agents.
 */
async function checkDiscovery(url: string): Promise<string | null> {
  let doc: Record<string, unknown>;
  try {
    const { text } = await fetchGuarded(url, { accept: 'application/json', maxBytes: 200_000 });
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    return err instanceof OutboundError ? describeOutboundError('discovery URL', err) : 'The discovery URL could not be fetched: not an OpenID Connect discovery document.';
  }
  const required = ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'];
  if (!doc || typeof doc !== 'object' || required.some((key) => typeof doc[key] !== 'string')) {
    return 'The discovery URL could not be fetched: not an OpenID Connect discovery document.';
  }
  for (const key of ['token_endpoint', 'jwks_uri', 'userinfo_endpoint']) {
    if (typeof doc[key] !== 'string') continue;
    try {
      const endpoint = checkUrl(doc[key] as string);
      await resolveAllowed(endpoint.protocol, endpoint.hostname, endpoint.port);
    } catch (err) {
      return `The discovery document's ${key} is not allowed: ${describeOutboundError('endpoint', err).replace(/^The endpoint could not be fetched: /, '')}`;
    }
  }
  return null;
}

export async function createOidcConnection(organizationId: string, raw: unknown): Promise<ConnectionResult> {
  const parsed = oidcConnectionSchema.safeParse(raw);
  if (!parsed.success) return invalid(parsed.error);
  const { kind: k, discoveryUrl, clientId, clientSecret } = parsed.data;
  const refused = await checkDiscovery(discoveryUrl);
  if (refused) return { ok: false, error: 'Check the highlighted fields.', fieldErrors: { discoveryUrl: refused } };
  const taken = await existing(organizationId, k);
  if (taken) return taken;
  try {
    const { connectionAPIController } = await getJackson();
    const record = await connectionAPIController.createOIDCConnection({
      tenant: organizationId,
      product: SSO_PRODUCTS[k],
      ...redirects(),
      oidcDiscoveryUrl: discoveryUrl,
      oidcClientId: clientId,
      oidcClientSecret: clientSecret,
      name: k === 'kaseyaone' ? 'KaseyaOne' : 'SSO',
    });
    return { ok: true, connection: summarize(k, record) };
  } catch (err) {
    return { ok: false, error: `The OIDC provider was not accepted: ${jacksonMessage(err, 'check the discovery URL, client ID and secret.')}` };
  }
}

/** Deletes this organization's connection of one kind. False when there was none. */
export async function deleteConnection(organizationId: string, k: SsoKind): Promise<boolean> {
  const { connectionAPIController } = await getJackson();
  const found = await connectionAPIController.getConnections({ tenant: organizationId, product: SSO_PRODUCTS[k] });
  if (found.length === 0) return false;
  await connectionAPIController.deleteConnections({ tenant: organizationId, product: SSO_PRODUCTS[k] });
  return true;
}

async function existing(organizationId: string, k: SsoKind): Promise<ConnectionResult | null> {
  const { connectionAPIController } = await getJackson();
  const found = await connectionAPIController.getConnections({ tenant: organizationId, product: SSO_PRODUCTS[k] });
  if (found.length === 0) return null;
  const label = k === 'kaseyaone' ? 'a KaseyaOne connection' : 'an SSO connection';
  const who = organizationId === PLATFORM_TENANT ? 'The platform' : 'This organization';
  return { ok: false, error: `${who} already has ${label}. Delete it first to replace it.` };
}

function summarize(k: SsoKind, c: SAMLSSORecord | OIDCSSORecord): ConnectionSummary {
  if ('idpMetadata' in c) {
    return { kind: k, protocol: 'saml', clientId: c.clientID, idp: c.idpMetadata.entityID, provider: c.idpMetadata.friendlyProviderName ?? c.idpMetadata.provider };
  }
  return { kind: k, protocol: 'oidc', clientId: c.clientID, idp: c.oidcProvider.discoveryUrl ?? '', provider: c.oidcProvider.friendlyProviderName ?? c.oidcProvider.provider };
}

function invalid(error: z.ZodError): ConnectionResult {
  const fieldErrors = fieldErrorsOf(error);
  return { ok: false, error: Object.values(fieldErrors)[0] ?? 'Invalid input.', fieldErrors };
}

/** Jackson's own validation sentences are meant for admins; anything else (a parser's text) is not shown. */
function jacksonMessage(err: unknown, otherwise: string): string {
  const e = err as { name?: string; message?: string; statusCode?: number };
  // A JacksonError carries a statusCode; its class name does not survive a minified server bundle.
  if ((e?.name === 'JacksonError' || typeof e?.statusCode === 'number') && e.message) return e.message.length > 300 ? `${e.message.slice(0, 300)}…` : e.message;
  console.warn('[sso] connection refused by Jackson:', e?.message ?? err);
  return otherwise;
}

/**
 * The platform KaseyaOne IdP (operator only, `sso:add --platform-kaseyaone`): one SAML
 * connection under the platform tenant, so every partner organization's users come
 * through one IdP entity id and are routed by their partner org id (lib/sso/login.ts).
 */
export async function createPlatformKaseyaOneConnection(raw: unknown): Promise<ConnectionResult> {
  return createSamlConnection(PLATFORM_TENANT, { ...(raw as object), kind: 'kaseyaone' });
}

/** The platform KaseyaOne connection, or null when the operator has registered none. */
export async function getPlatformKaseyaOneConnection(): Promise<ConnectionSummary | null> {
  const { connectionAPIController } = await getJackson();
  const [found] = await connectionAPIController.getConnections({ tenant: PLATFORM_TENANT, product: SSO_PRODUCTS.kaseyaone });
  return found ? summarize('kaseyaone', found) : null;
}

export async function deletePlatformKaseyaOneConnection(): Promise<boolean> {
  return deleteConnection(PLATFORM_TENANT, 'kaseyaone');
}

/** Whether this organization has its own connection of one kind (its own KaseyaOne connection wins over the platform one). */
export async function hasConnection(organizationId: string, k: SsoKind): Promise<boolean> {
  const { connectionAPIController } = await getJackson();
  return (await connectionAPIController.getConnections({ tenant: organizationId, product: SSO_PRODUCTS[k] })).length > 0;
}
