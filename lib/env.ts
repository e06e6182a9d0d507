import path from 'node:path';
import { z } from 'zod';

// The one place that reads process.env. Everything else asks getEnv().

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');

const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.url().optional());

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
      .optional(),
  ),
  AUTH_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'must be at least 32 characters').optional()),
  ENCRYPTION_KEY: z.preprocess((v) => (v === '' ? undefined : v), base64Key.optional()),
  APP_URL: optionalUrl,
  AUTH_URL: optionalUrl,
  /** The SP entity id customers configure in their IdP. Never change it once connections exist. */
  SAML_ENTITY_ID: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).default('urn:auth-provision:sp')),
  PORT: z.coerce.number({ error: 'must be a port number' }).int('must be a port number').min(1).max(65535).default(3000),
  APP_DATA_DIR: z.string().min(1).default('.data'),
  /** Microsoft identity platform and Graph base URLs; tests point them at the fake on 127.0.0.1. */
  AZURE_LOGIN_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().default('https://login.microsoftonline.com')),
  AZURE_GRAPH_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().default('https://graph.microsoft.com')),
  /**
   * This product's identifiers in KaseyaOne's products claim, comma-separated, compared
   * case-insensitively: a claim naming none of them is refused (no_product_access).
   */
  KASEYAONE_PRODUCT_IDS: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v : 'psa'),
    z
      .string()
      .transform((v) => [...new Set(v.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean))])
      .refine((ids) => ids.length > 0, 'must name at least one product id, e.g. psa')
      .refine((ids) => ids.every((p) => /^[a-z0-9._:-]+$/.test(p)), 'product ids are letters, digits and . _ : - separated by commas'),
  ),
  /** Run the Azure AD sync worker and scheduler in this process (off for CLIs). */
  SYNC_WORKER: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['on', 'off']).default('on')),
  /** A sync run with no sign of life (a Graph answer, a committed batch) for this long is stopped and marked failed. */
  AZURE_SYNC_STALL_SECONDS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number({ error: 'must be a number of seconds' }).int('must be whole seconds').min(5, 'must be at least 5').max(86_400).default(300)),
  /**
   * Origins a tenant-supplied URL (SAML metadata, OIDC discovery and endpoints) may use even
   * over http or on a private/loopback address: `scheme://host[:port|:*]`, comma-separated.
   * Empty: https to public addresses only.
   */
  OUTBOUND_ALLOWED_ORIGINS: z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : []),
    z.array(z.string().regex(/^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:(\d{1,5}|\*))?$/i, 'each entry must be scheme://host[:port|:*], e.g. http://127.0.0.1:8080')),
  ),
  /** How many reverse proxies in front of the app append to X-Forwarded-For; 0 = ignore the header. */
  TRUST_PROXY_HOPS: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0).max(10).default(0),
});

export type Env = Omit<z.infer<typeof schema>, 'APP_DATA_DIR'> & {
  APP_DATA_DIR: string;
  appUrl: string;
};

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

let cached: Env | undefined;

/** Parses and validates the environment once; a bad variable stops start-up with its name. */
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  cached = {
    ...e,
    APP_DATA_DIR: path.resolve(e.APP_DATA_DIR),
    appUrl: (e.APP_URL ?? e.AUTH_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
  };
  return cached;
}

/** For the launcher: after it fills in generated secrets or the embedded DATABASE_URL. */
export function setEnv(values: Partial<Record<'DATABASE_URL' | 'AUTH_SECRET' | 'ENCRYPTION_KEY' | 'AUTH_URL', string>>) {
  for (const [k, v] of Object.entries(values)) if (v !== undefined) process.env[k] = v;
  cached = undefined;
}

/** Forget the parsed values; the next getEnv() reads process.env again (tests, launcher). */
export function reloadEnv() {
  cached = undefined;
}

const REQUIRED_SECRETS = ['AUTH_SECRET', 'ENCRYPTION_KEY'] as const;

/** Throws naming the first secret that is missing. */
export function requireSecrets(env: Env = getEnv()): { AUTH_SECRET: string; ENCRYPTION_KEY: string } {
  for (const name of REQUIRED_SECRETS) {
    if (!env[name]) {
      throw new EnvError(
        `${name} is not set. With DATABASE_URL the app does not generate secrets; set ${name} (see .env.example).`,
      );
    }
  }
  return { AUTH_SECRET: env.AUTH_SECRET!, ENCRYPTION_KEY: env.ENCRYPTION_KEY! };
}

export function requireDatabaseUrl(env: Env = getEnv()): string {
  if (!env.DATABASE_URL) throw new EnvError('DATABASE_URL is not set and no embedded database was started.');
  return env.DATABASE_URL;
}
