/**
 * A real OpenID Connect provider (oidc-provider@9) for tests.
 *
 * - Issuer is `http://localhost:PORT` (SAML Jackson only allows plain-http discovery for the host
 *   `localhost`); the server listens on 127.0.0.1.
 * - Every authorization request shows a small login form (Email, First name, Last name, Groups);
 *   the identity is whatever the tester types. Consent is granted automatically.
 * - Clients live in an in-memory adapter, so they can be added (or replaced) after start.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, {
  interactionPolicy,
  type Account,
  type Adapter,
  type AdapterPayload,
  type ClientMetadata,
  type Configuration,
  type Grant,
  type KoaContextWithOIDC,
} from 'oidc-provider';

export type OidcUser = {
  sub: string;
  email: string;
  given_name?: string;
  family_name?: string;
  groups?: string[];
};
export type OidcClient = { client_id: string; client_secret: string; redirect_uris: string[] };
export type TestOidcProvider = {
  /** `http://localhost:PORT` */
  issuer: string;
  /** issuer + '/.well-known/openid-configuration' */
  discoveryUrl: string;
  /** Adds (or replaces, by client_id) a confidential web client. Throws on invalid metadata. */
  addClient(client: OidcClient): void;
  close(): Promise<void>;
};

const CLAIMS = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['given_name', 'family_name', 'name'],
  groups: ['groups'],
};

/* ------------------------------------------------------------------------------------------ */
/* In-memory adapter (one store per provider instance)                                         */
/* ------------------------------------------------------------------------------------------ */

type Entry = { payload: AdapterPayload; expiresAt: number };

class MemoryStore {
  readonly entries = new Map<string, Entry>();
  readonly sessionUids = new Map<string, string>();
  readonly userCodes = new Map<string, string>();
  readonly grants = new Map<string, Set<string>>();

  get(key: string): AdapterPayload | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }
}

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

class MemoryAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: MemoryStore,
  ) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
    this.store.entries.set(key, { payload: structuredClone(payload), expiresAt });
    if (this.model === 'Session' && typeof payload.uid === 'string') this.store.sessionUids.set(payload.uid, id);
    if (typeof payload.userCode === 'string') this.store.userCodes.set(payload.userCode, id);
    if (GRANTABLE.has(this.model) && typeof payload.grantId === 'string') {
      const members = this.store.grants.get(payload.grantId) ?? new Set<string>();
      members.add(key);
      this.store.grants.set(payload.grantId, members);
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.get(this.key(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = this.store.sessionUids.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = this.store.userCodes.get(userCode);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.entries.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of this.store.grants.get(grantId) ?? []) this.store.entries.delete(key);
    this.store.grants.delete(grantId);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Login page                                                                                  */
/* ------------------------------------------------------------------------------------------ */

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(opts: { uid: string; clientId: string; loginHint: string; error?: string }): string {
  const error = opts.error ? `<p role="alert" style="color:#b00">${escapeHtml(opts.error)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Test IdP sign-in</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto}label{display:block;margin-top:.75rem}input,textarea{display:block;width:100%;box-sizing:border-box}button{margin-top:1rem}</style>
</head>
<body>
<main>
<h1>Test IdP</h1>
<p>Signing in to <code>${escapeHtml(opts.clientId)}</code></p>
${error}
<form method="post" action="/interaction/${encodeURIComponent(opts.uid)}/login" autocomplete="off">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" required value="${escapeHtml(opts.loginHint)}">
  <label for="given_name">First name</label>
  <input id="given_name" name="given_name" type="text">
  <label for="family_name">Last name</label>
  <input id="family_name" name="family_name" type="text">
  <label for="groups">Groups</label>
  <textarea id="groups" name="groups" rows="4" aria-describedby="groups-help"></textarea>
  <small id="groups-help">One group per line.</small>
  <label for="sub">Subject (optional)</label>
  <input id="sub" name="sub" type="text" aria-describedby="sub-help">
  <small id="sub-help">Defaults to the lower-cased email.</small>
  <button type="submit">Sign in</button>
</form>
</main>
</body>
</html>`;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') {
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.setHeader('cache-control', 'no-store');
  res.end(body);
}

/* ------------------------------------------------------------------------------------------ */
/* Provider                                                                                    */
/* ------------------------------------------------------------------------------------------ */

function toClientMetadata(client: OidcClient): ClientMetadata {
  return {
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: [...client.redirect_uris],
    application_type: 'web',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // Only the registered family matters: oidc-provider accepts client_secret_basic and
    // client_secret_post interchangeably for a client registered with either of them.
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

function userFromForm(form: URLSearchParams): OidcUser {
  const email = (form.get('email') ?? '').trim();
  if (!email) throw new Error('Email is required');
  const sub = (form.get('sub') ?? '').trim() || email.toLowerCase();
  const given = (form.get('given_name') ?? '').trim();
  const family = (form.get('family_name') ?? '').trim();
  const groups = (form.get('groups') ?? '')
    .split(/\r?\n/)
    .map((g) => g.trim())
    .filter(Boolean);
  return {
    sub,
    email,
    ...(given ? { given_name: given } : {}),
    ...(family ? { family_name: family } : {}),
    groups,
  };
}

function accountFor(user: OidcUser): Account {
  return {
    accountId: user.sub,
    claims() {
      const name = [user.given_name, user.family_name].filter(Boolean).join(' ');
      return {
        sub: user.sub,
        email: user.email,
        email_verified: true,
        ...(user.given_name ? { given_name: user.given_name } : {}),
        ...(user.family_name ? { family_name: user.family_name } : {}),
        ...(name ? { name } : {}),
        groups: [...(user.groups ?? [])],
      };
    },
  };
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startOidcProvider(
  opts: { port?: number; clients?: OidcClient[] } = {},
): Promise<TestOidcProvider> {
  const accounts = new Map<string, OidcUser>();
  const store = new MemoryStore();
  let provider: Provider | undefined;
  let providerCallback: ReturnType<Provider['callback']> | undefined;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('[test-oidc] request failed', err);
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      return send(res, 200, 'ok');
    }
    if (!provider || !providerCallback) return send(res, 503, 'starting');

    const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
    if (match) {
      const uid = decodeURIComponent(match[1] ?? '');
      let details;
      try {
        details = await provider.interactionDetails(req, res);
      } catch (err) {
        return send(res, 400, `interaction not found: ${(err as Error).message}`);
      }
      if (details.uid !== uid) return send(res, 400, 'interaction mismatch');
      const clientId = String(details.params.client_id ?? '');
      const loginHint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';

      if (!match[2] && req.method === 'GET') {
        return send(res, 200, loginPage({ uid, clientId, loginHint }), 'text/html; charset=utf-8');
      }
      if (match[2] && req.method === 'POST') {
        const form = await readForm(req);
        let user: OidcUser;
        try {
          user = userFromForm(form);
        } catch (err) {
          const page = loginPage({ uid, clientId, loginHint, error: (err as Error).message });
          return send(res, 400, page, 'text/html; charset=utf-8');
        }
        accounts.set(user.sub, user);
        // Consent is granted in loadExistingGrant below, so login is the only result needed.
        return provider.interactionFinished(
          req,
          res,
          { login: { accountId: user.sub, remember: false } },
          { mergeWithLastSubmission: false },
        );
      }
      return send(res, 405, 'method not allowed');
    }

    return providerCallback(req, res);
  }

  const port = await listen(server, opts.port ?? 0);
  const issuer = `http://localhost:${port}`;

  // Always show the login form, even when the browser still has an IdP session, so that the
  // identity used is whatever the test types (and switching users within one browser works).
  const policy = interactionPolicy.base();
  policy.get('login')?.checks.add(
    new interactionPolicy.Check('test_always_login', 'the test IdP always asks who you are', (ctx) =>
      ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
  );

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

  const configuration: Configuration = {
    adapter: (model: string) => new MemoryAdapter(model, store),
    clients: [],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    jwks: { keys: [signingKey] },
    claims: CLAIMS,
    // Release scope claims in the ID token too (not only at userinfo).
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => {
      const user = accounts.get(sub);
      return user ? accountFor(user) : undefined;
    },
    // No consent screen: every requested OIDC scope/claim is granted.
    loadExistingGrant: async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
      const { oidc } = ctx;
      if (!oidc.account || !oidc.client) return undefined;
      const accountId = oidc.account.accountId;
      const clientId = oidc.client.clientId;
      const existingId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
      let grant = existingId ? await oidc.provider.Grant.find(existingId) : undefined;
      if (grant && (grant.accountId !== accountId || grant.clientId !== clientId)) grant = undefined;
      grant ??= new oidc.provider.Grant({ accountId, clientId });
      grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
      if (oidc.requestParamClaims.size) grant.addOIDCClaims([...oidc.requestParamClaims]);
      await grant.save();
      return grant;
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      // Let relying parties that ask for specific claims via the claims parameter do so.
      claimsParameter: { enabled: true },
    },
    // PKCE (S256) is accepted and verified when sent, but not required for confidential clients.
    pkce: { required: () => false },
    cookies: {
      // Cookies are not port-scoped: the app (and any other IdP) on localhost sees these too, so
      // give them names that cannot collide with the app's or with a second provider's.
      names: {
        session: `test_oidc_${port}_session`,
        interaction: `test_oidc_${port}_interaction`,
        resume: `test_oidc_${port}_resume`,
      },
      keys: ['test-oidc-cookie-key-1', 'test-oidc-cookie-key-2'],
    },
    clientBasedCORS: () => true,
    // Plain error page (the default one logs a notice and pulls a web font).
    renderError: (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP error</title></head><body><h1>Test IdP error</h1>${Object.entries(
        out,
      )
        .map(([k, v]) => `<p><strong>${escapeHtml(k)}</strong>: <span data-testid="${escapeHtml(k)}">${escapeHtml(String(v))}</span></p>`)
        .join('')}</body></html>`;
    },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 120,
      ClientCredentials: 600,
      Grant: 3600,
      IdToken: 600,
      Interaction: 900,
      RefreshToken: 3600,
      Session: 3600,
    },
  };

  try {
    provider = new Provider(issuer, configuration);
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  const p = provider;
  p.on('server_error', (_ctx: unknown, err: unknown) => console.error('[test-oidc] server_error', err));
  providerCallback = p.callback();

  const clientAdapter = new MemoryAdapter('Client', store);
  function addClient(client: OidcClient): void {
    const metadata = toClientMetadata(client);
    // Validate now (synchronously) so a bad client fails here, not at the first authorize.
    new p.Client(metadata);
    void clientAdapter.upsert(metadata.client_id, metadata);
  }
  for (const client of opts.clients ?? []) addClient(client);

  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    addClient,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
