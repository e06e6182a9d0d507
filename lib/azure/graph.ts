import { setTimeout as delay } from 'node:timers/promises';
import { fetch as undiciFetch } from 'undici';
import { open as openSecret } from '@/lib/crypto/secrets';
import { getEnv } from '@/lib/env';

// A thin client for the Microsoft identity platform (client-credentials token) and
// Microsoft Graph (users/delta, group members). Plain HTTP, because the official SDKs
// refuse plain-http endpoints and tests talk to a fake on 127.0.0.1; the login and Graph
// base URLs are configuration. Wire formats: ../shared/reference/microsoft-graph.md.
//
// Requests go through undici's own fetch, never the global one: inside the Next server
// the global fetch is patched (it tees every GET body for its cache), and cancelling
// such a body waits forever for the copy nobody reads. Bodies we do not need are read
// to the end instead of cancelled, so either fetch works.

/** The part of a fetch Response the client uses; undici's and the global one both fit. */
export type HttpResponse = {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
};
export type HttpFetch = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<HttpResponse>;

export type GraphConfig = {
  loginUrl: string;
  graphUrl: string;
  /** Tenant domain name or id, as the admin typed it. */
  tenant: string;
  appId: string;
  secret: string;
  /** Tests may pass their own; the default is undici's fetch. */
  fetch?: HttpFetch;
  /** Waits between retries; tests inject a recorder. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Attempts for one request when Graph throttles, is unavailable or cannot be reached. */
  maxAttempts?: number;
  /** One request (headers and body) may take this long before it counts as failed (default 60 s). */
  requestTimeoutMs?: number;
  /** The longest wait a Retry-After may ask for (default 300 s). */
  maxRetryWaitMs?: number;
  /** Aborts every request and wait (the run's watchdog); its reason is thrown. */
  signal?: AbortSignal;
  /** Called whenever Microsoft answers, throttling included: the run is alive. */
  onActivity?: () => void;
};

/** A failure an admin can act on: `code` is Graph's error code or `AADSTS<n>`, `message` says it in words. */
export class GraphError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

/** The delta token is no good any more (410, syncStateNotFound, resyncRequired): start a full round. */
export class ResyncRequiredError extends GraphError {
  constructor(status: number, code: string) {
    super(`Microsoft Graph asked for a full resync (${status} ${code}).`, status, code);
    this.name = 'ResyncRequiredError';
  }
}

export type DirectoryUser = {
  id: string;
  removed: 'changed' | 'deleted' | null;
  /** The selected properties as sent; absent properties were never set. */
  data: Record<string, unknown>;
};

export type DeltaPage = { users: DirectoryUser[]; nextLink: string | null; deltaLink: string | null };

export const USER_SELECT = ['id', 'displayName', 'givenName', 'surname', 'userPrincipalName', 'mail', 'otherMails', 'businessPhones', 'mobilePhone', 'jobTitle', 'accountEnabled'];

const TOKEN_SKEW_MS = 5 * 60_000;
const RETRYABLE = new Set([429, 503, 504]);

export type GraphClient = ReturnType<typeof createGraphClient>;

/** The client for a saved connection: configured base URLs, its tenant, its sealed key opened. */
export function graphClientFor(
  conn: { tenant: string; tenantId: string | null; applicationId: string; secretCiphertext: string; organizationId: string },
  opts: Pick<GraphConfig, 'fetch' | 'sleep' | 'now' | 'maxAttempts' | 'signal' | 'onActivity' | 'maxRetryWaitMs' | 'requestTimeoutMs'> = {},
): GraphClient {
  const env = getEnv();
  return createGraphClient({
    loginUrl: env.AZURE_LOGIN_URL,
    graphUrl: env.AZURE_GRAPH_URL,
    tenant: conn.tenantId ?? conn.tenant,
    appId: conn.applicationId,
    secret: openSecret(conn.secretCiphertext, conn.organizationId),
    ...opts,
  });
}

export function createGraphClient(cfg: GraphConfig) {
  const doFetch: HttpFetch = cfg.fetch ?? ((url, init) => undiciFetch(url, init));
  const sleep = cfg.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const now = cfg.now ?? Date.now;
  const maxAttempts = cfg.maxAttempts ?? 6;
  const requestTimeoutMs = cfg.requestTimeoutMs ?? 60_000;
  const maxRetryWaitMs = cfg.maxRetryWaitMs ?? 300_000;
  const loginBase = cfg.loginUrl.replace(/\/$/, '');
  const graphBase = cfg.graphUrl.replace(/\/$/, '');
  const graphOrigin = new URL(graphBase).origin;
  let cached: { token: string; expiresAt: number } | null = null;

  let inFlight: Promise<string> | null = null;

  /** One token request at a time: parallel Graph calls share it. */
  function token(): Promise<string> {
    if (cached && cached.expiresAt - TOKEN_SKEW_MS > now()) return Promise.resolve(cached.token);
    inFlight ??= requestToken().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  async function requestToken(): Promise<string> {
    const body = new URLSearchParams({
      client_id: cfg.appId,
      client_secret: cfg.secret,
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
    }).toString();
    const url = `${loginBase}/${encodeURIComponent(cfg.tenant)}/oauth2/v2.0/token`;
    const json = await exchange(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 'the Microsoft sign-in service');
    if (!json.ok || typeof json.body.access_token !== 'string') throw tokenError(json.status, json.body);
    const lifetime = Number(json.body.expires_in ?? 3599) * 1000;
    cached = { token: json.body.access_token, expiresAt: now() + lifetime };
    return cached.token;
  }

  /**
   * One request with its JSON answer, retried on 429/503/504 (Retry-After when given, in
   * seconds, possibly fractional; else exponential backoff) and on network failures and
   * timeouts. The run's signal ends it at once, with the signal's reason.
   */
  async function exchange(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }, service: string): Promise<{ ok: boolean; status: number; body: Record<string, unknown> }> {
    for (let attempt = 1; ; attempt++) {
      cfg.signal?.throwIfAborted();
      const signal = cfg.signal ? AbortSignal.any([cfg.signal, AbortSignal.timeout(requestTimeoutMs)]) : AbortSignal.timeout(requestTimeoutMs);
      let res: HttpResponse;
      let body: Record<string, unknown>;
      try {
        res = await doFetch(url, { ...init, signal });
        // Read to the end even when it is not needed (never cancel: see the top of this file).
        body = (await readJson(res)) as Record<string, unknown>;
      } catch (err) {
        cfg.signal?.throwIfAborted();
        if (attempt >= maxAttempts) throw unreachable(service, err);
        await sleep(retryDelayMs(null, attempt), cfg.signal);
        continue;
      }
      cfg.onActivity?.();
      if (!RETRYABLE.has(res.status) || attempt >= maxAttempts) return { ok: res.ok, status: res.status, body };
      await sleep(Math.min(retryDelayMs(res.headers.get('retry-after'), attempt), maxRetryWaitMs), cfg.signal);
    }
  }

  async function get(url: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    for (let fresh = false; ; fresh = true) {
      const bearer = await token();
      const res = await exchange(url, { headers: { authorization: `Bearer ${bearer}`, ...headers } }, 'Microsoft Graph');
      if (res.ok) return res.body;
      const code = graphErrorCode(res.body);
      // An expired or revoked token: get a new one once.
      if (res.status === 401 && !fresh) {
        cached = null;
        continue;
      }
      if (res.status === 410 || code === 'syncStateNotFound' || code === 'resyncRequired') throw new ResyncRequiredError(res.status, code ?? 'Gone');
      throw graphError(res.status, code);
    }
  }

  function checkLink(link: string): string {
    let u: URL;
    try {
      u = new URL(link);
    } catch {
      throw new GraphError('Microsoft Graph returned a link that is not a URL.', 502, 'untrusted_link');
    }
    if (u.origin !== graphOrigin) throw new GraphError(`Microsoft Graph returned a link to ${u.origin}, not ${graphOrigin}; refusing to follow it.`, 502, 'untrusted_link');
    return link;
  }

  return {
    token,

    /** One page of users/delta: the first page of a full round (link null), or the page a stored link points at. */
    async deltaPage(link: string | null): Promise<DeltaPage> {
      const url = link ? checkLink(link) : `${graphBase}/v1.0/users/delta?$select=${USER_SELECT.join(',')}`;
      const json = await get(url);
      const value = Array.isArray(json.value) ? (json.value as Record<string, unknown>[]) : [];
      const users: DirectoryUser[] = value
        .filter((u) => typeof u.id === 'string')
        .map((u) => {
          const { id, '@removed': removed, ...data } = u as Record<string, unknown> & { id: string; '@removed'?: { reason?: string } };
          return { id, removed: removed ? (removed.reason === 'deleted' ? 'deleted' : 'changed') : null, data };
        });
      const next = typeof json['@odata.nextLink'] === 'string' ? checkLink(json['@odata.nextLink']) : null;
      const delta = typeof json['@odata.deltaLink'] === 'string' ? checkLink(json['@odata.deltaLink']) : null;
      if (!next && !delta) throw new GraphError('Microsoft Graph returned a delta page with neither a nextLink nor a deltaLink.', 502, 'bad_delta_page');
      return { users, nextLink: next, deltaLink: delta };
    },

    /** Object ids of every user in the group, nested groups included. */
    async transitiveUserIds(groupId: string): Promise<string[]> {
      const ids: string[] = [];
      let url: string | null = `${graphBase}/v1.0/groups/${encodeURIComponent(groupId)}/transitiveMembers?$select=id&$top=999`;
      while (url) {
        const json = await get(url);
        for (const m of (json.value as Record<string, unknown>[] | undefined) ?? []) {
          if (m['@odata.type'] === '#microsoft.graph.user' && typeof m.id === 'string') ids.push(m.id);
        }
        url = typeof json['@odata.nextLink'] === 'string' ? checkLink(json['@odata.nextLink']) : null;
      }
      return ids;
    },

    /** Connect's check: a token, and one Graph read that needs the consented permissions. */
    async verify(): Promise<void> {
      await get(`${graphBase}/v1.0/users?$top=1&$select=id`);
    },
  };
}

/** The body as JSON; an empty or non-JSON body is an empty object. */
async function readJson(res: HttpResponse): Promise<unknown> {
  const bytes = await res.arrayBuffer();
  if (!bytes.byteLength) return {};
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return {};
  }
}

/** Microsoft could not be reached or did not answer in time, after every attempt. */
function unreachable(service: string, err: unknown): GraphError {
  const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
  const why = timedOut ? 'did not answer in time' : 'could not be reached';
  return new GraphError(`${service[0]!.toUpperCase()}${service.slice(1)} ${why}; the sync will try again.`, 0, timedOut ? 'timeout' : 'unreachable');
}

export function retryDelayMs(retryAfter: string | null, attempt: number): number {
  const seconds = retryAfter === null ? NaN : Number.parseFloat(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 300) * 1000;
  return Math.min(500 * 2 ** (attempt - 1), 30_000);
}

function graphErrorCode(json: Record<string, unknown>): string | null {
  // Branch on the code, walking nested inner errors; never on the message.
  let e = json.error as Record<string, unknown> | undefined;
  let code: string | null = null;
  for (let depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string' && (e.code === 'syncStateNotFound' || e.code === 'resyncRequired' || code === null)) code = e.code;
    e = (e.innerError ?? e.innererror) as Record<string, unknown> | undefined;
  }
  return code;
}

/** The AADSTS codes an admin can fix, in words. */
const AADSTS_WORDS: Record<number, string> = {
  7000215: 'The Application Key is wrong. Paste the secret’s value (not its ID) from Azure › App registrations › Certificates & secrets.',
  7000222: 'The Application Key has expired. Create a new client secret in Azure and save it here.',
  700016: 'No application with this Application ID exists in the tenant. Check the Application ID and the Tenant Domain Name.',
  90002: 'The tenant was not found. Check the Tenant Domain Name (for example contoso.onmicrosoft.com) or use the tenant id.',
  900023: 'The tenant identifier is not valid. Use the tenant domain name or its id.',
};

function tokenError(status: number, json: Record<string, unknown>): GraphError {
  const codes = Array.isArray(json.error_codes) ? (json.error_codes as unknown[]) : [];
  const fromDescription = /AADSTS(\d+)/.exec(String(json.error_description ?? ''))?.[1];
  const n = Number(codes[0] ?? fromDescription);
  if (Number.isFinite(n) && n > 0) {
    const words = AADSTS_WORDS[n] ?? `Microsoft refused the sign-in (${String(json.error ?? 'error')}).`;
    return new GraphError(`${words} (AADSTS${n})`, status, `AADSTS${n}`);
  }
  if (RETRYABLE.has(status)) return new GraphError(`The Microsoft sign-in service is unavailable (${status}); retrying later.`, status, `http_${status}`);
  return new GraphError(`Microsoft refused the token request (${status} ${String(json.error ?? '')}).`.replace(' )', ')'), status, String(json.error ?? `http_${status}`));
}

function graphError(status: number, code: string | null): GraphError {
  if (status === 403 || code === 'Authorization_RequestDenied') {
    return new GraphError('Admin consent is missing: the application has no permission to read users and groups. Click Connect and accept as a Global Administrator. (403 Authorization_RequestDenied)', status, code ?? 'Authorization_RequestDenied');
  }
  if (RETRYABLE.has(status)) return new GraphError(`Microsoft Graph kept answering ${status} ${code ?? ''}; the sync will retry.`.replace(' ;', ';'), status, code ?? `http_${status}`);
  return new GraphError(`Microsoft Graph answered ${status}${code ? ` ${code}` : ''}.`, status, code ?? `http_${status}`);
}
