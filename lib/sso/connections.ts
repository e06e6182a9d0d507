import type { z } from 'zod';
import type { OIDCSSORecord, SAMLSSORecord } from '@boxyhq/saml-jackson';
import { getEnv } from '@/lib/env';
import { fieldErrorsOf } from '@/lib/validation';
import { getJackson, PLATFORM_TENANT, SSO_PATHS, SSO_PRODUCTS, type SsoKind } from './jackson';
import { connectionKind, oidcConnectionSchema, samlConnectionSchema, type ConnectionSummary } from './schemas';

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
  const taken = await existing(organizationId, k);
  if (taken) return taken;
  try {
    const { connectionAPIController } = await getJackson();
    const record = await connectionAPIController.createSAMLConnection({
      tenant: organizationId,
      product: SSO_PRODUCTS[k],
      ...redirects(),
      ...(metadataXml ? { rawMetadata: metadataXml } : { rawMetadata: '', metadataUrl: metadataUrl! }),
      name: k === 'kaseyaone' ? 'KaseyaOne' : 'SSO',
    } as Parameters<typeof connectionAPIController.createSAMLConnection>[0]);
    return { ok: true, connection: summarize(k, record) };
  } catch (err) {
    return { ok: false, error: `The identity provider's metadata was not accepted: ${messageOf(err)}` };
  }
}

export async function createOidcConnection(organizationId: string, raw: unknown): Promise<ConnectionResult> {
  const parsed = oidcConnectionSchema.safeParse(raw);
  if (!parsed.success) return invalid(parsed.error);
  const { kind: k, discoveryUrl, clientId, clientSecret } = parsed.data;
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
    return { ok: false, error: `The OIDC provider was not accepted: ${messageOf(err)}` };
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

function messageOf(err: unknown): string {
  const m = (err as { message?: string })?.message ?? 'unknown error';
  return m.length > 300 ? `${m.slice(0, 300)}…` : m;
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
