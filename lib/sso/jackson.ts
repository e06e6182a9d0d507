import { hkdfSync } from 'node:crypto';
import { controllers, type SAMLJackson } from '@boxyhq/saml-jackson';
import { getEnv, requireDatabaseUrl, requireSecrets } from '@/lib/env';
import { installNodeAgentGuard } from '@/lib/net/outbound';

// SAML Jackson hosted in this process: one instance, Postgres engine, its tables in
// the `jackson` schema of our database. The app is both Jackson's OAuth client (via
// next-auth's BoxyHQ provider) and its host (app/api/oauth/*).

export const SSO_PATHS = {
  acs: '/api/oauth/saml',
  oidcRedirect: '/api/oauth/oidc',
  authorize: '/api/oauth/authorize',
  token: '/api/oauth/token',
  userinfo: '/api/oauth/userinfo',
  metadata: '/api/sso/metadata',
  idpLogin: '/api/sso/idp-login',
  /** SCIM 2.0 base of every directory: /api/scim/v2.0/<directory id> (app/api/scim). */
  scim: '/api/scim/v2.0',
} as const;

/** Jackson "products": one per login source, so tenant + product names exactly one connection. */
export const SSO_PRODUCTS = { sso: 'auth-provision-sso', kaseyaone: 'auth-provision-kaseyaone' } as const;
export type SsoKind = keyof typeof SSO_PRODUCTS;

/**
 * The Jackson tenant of the one KaseyaOne IdP the operator registers for the whole
 * platform: its logins are routed to an organization by the assertion's partner org id.
 */
export const PLATFORM_TENANT = 'platform';

export function kindOfProduct(product: string | undefined): SsoKind | null {
  if (product === SSO_PRODUCTS.sso) return 'sso';
  if (product === SSO_PRODUCTS.kaseyaone) return 'kaseyaone';
  return null;
}

const START_TIMEOUT_MS = 30_000;
// Long enough for an MFA prompt at the IdP; codes are single-use and PKCE-bound anyway.
const SESSION_TTL_S = 600;

/** Secrets for Jackson, derived from ours so operators manage two variables, not four. */
export function jacksonSecrets() {
  const { AUTH_SECRET, ENCRYPTION_KEY } = requireSecrets(getEnv());
  const derive = (key: string, info: string) => Buffer.from(hkdfSync('sha256', key, 'auth-provision', info, 32)).toString('base64url');
  return {
    clientSecretVerifier: derive(AUTH_SECRET, 'jackson-client-secret'),
    encryptionKey: derive(ENCRYPTION_KEY, 'jackson-store').slice(0, 32),
  };
}

function jacksonDbUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('options', '-c search_path=jackson');
  return u.toString();
}

const g = globalThis as unknown as { __jackson?: Promise<SAMLJackson> };

export function getJackson(): Promise<SAMLJackson> {
  g.__jackson ??= start().catch((err) => {
    g.__jackson = undefined;
    throw err;
  });
  return g.__jackson;
}

async function start(): Promise<SAMLJackson> {
  // Jackson's OIDC client fetches discovery, token and JWKS URLs over Node's global agents.
  installNodeAgentGuard();
  const env = getEnv();
  const secrets = jacksonSecrets();
  let timer: NodeJS.Timeout | undefined;
  // controllers() retries a database it cannot reach forever; fail with words instead.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`SAML Jackson did not start within ${START_TIMEOUT_MS / 1000} s (is the database reachable?)`)), START_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      controllers({
        externalUrl: env.appUrl,
        samlPath: SSO_PATHS.acs,
        oidcPath: SSO_PATHS.oidcRedirect,
        scimPath: SSO_PATHS.scim,
        samlAudience: env.SAML_ENTITY_ID,
        idpEnabled: true,
        noAnalytics: true,
        clientSecretVerifier: secrets.clientSecretVerifier,
        openid: { requestProfileScope: true },
        db: {
          engine: 'sql',
          type: 'postgres',
          url: jacksonDbUrl(requireDatabaseUrl(env)),
          ttl: SESSION_TTL_S,
          cleanupLimit: 1000,
          encryptionKey: secrets.encryptionKey,
        },
        logger: {
          info: () => {},
          warn: (msg) => console.warn(`[jackson] ${msg}`),
          error: (msg) => console.error(`[jackson] ${msg}`),
        },
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
