/**
 * A fake Microsoft identity platform (client-credentials token, v2 admin consent) and Microsoft
 * Graph (users, users/delta, group members) on 127.0.0.1, for tests of the directory sync client.
 * Wire shapes follow /work/shared/reference/microsoft-graph.md.
 *
 * - A tenant is addressed by its tenantId or its domain, in URLs and in control calls.
 * - Access tokens are opaque random strings bound to tenant + app; Graph checks them on every call.
 * - Delta and paging tokens are stateless (base64url JSON), so any link can be fetched again and
 *   gives the same page as long as nothing changed in between.
 * - Users live in a log ordered by change version; a delta page is a binary search plus a walk of
 *   at most one page of live entries, so 100k users page as fast as 100.
 * - The same control surface is served over HTTP: POST /_control/<method> with {"args":[...]}.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeUser = {
  id: string;
  displayName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  userPrincipalName: string;
  mail?: string | null;
  otherMails?: string[];
  businessPhones?: string[];
  mobilePhone?: string | null;
  jobTitle?: string | null;
  accountEnabled?: boolean;
};

/**
 * A queued failure for the next matching request(s). 'any' matches every Graph (/v1.0) request
 * but not the token endpoint; 'token' matches only the token endpoint.
 */
export type Fault = {
  route: 'token' | 'delta' | 'members' | 'users' | 'any';
  status?: 429 | 503 | 504 | 410 | 400 | 401 | 403 | 500;
  /** Accept the request and never answer (a Graph that stopped responding); `status` is then not needed. */
  hang?: boolean;
  /** default 1 */
  times?: number;
  /** e.g. '0.2'; the Retry-After header is omitted when undefined */
  retryAfter?: string;
  /** error.code of the Graph body (token route: the `error` field), e.g. 'syncStateNotFound' */
  code?: string;
};

export type RequestLogEntry = { method: string; path: string; search: string; status: number; at: number };

export interface FakeGraphControl {
  addTenant(t: { tenantId: string; domain: string; apps: { appId: string; secret: string; secretExpired?: boolean }[] }): Promise<void>;
  /** Create or change; a change bumps the user's version, an unchanged upsert does nothing. */
  upsertUser(tenant: string, user: FakeUser): Promise<void>;
  upsertUsers(tenant: string, users: FakeUser[]): Promise<void>;
  /** soft → @removed reason "changed", permanent → "deleted"; an upsert afterwards restores/recreates */
  deleteUser(tenant: string, id: string, opts?: { permanent?: boolean }): Promise<void>;
  addGroup(tenant: string, g: { id: string; displayName: string }): Promise<void>;
  /** memberId is a user or a group (nesting) that already exists in the tenant */
  addMember(tenant: string, groupId: string, memberId: string): Promise<void>;
  /** bulk addMember, for large directories (benchmarks) */
  addMembers(tenant: string, groupId: string, memberIds: string[]): Promise<void>;
  removeMember(tenant: string, groupId: string, memberId: string): Promise<void>;
  /** without consent Graph answers 403 Authorization_RequestDenied; apps start not consented */
  setConsent(tenant: string, appId: string, consented: boolean): Promise<void>;
  /** the next adminconsent redirect carries error=consent_required (AADSTS65004) */
  denyNextConsent(tenant: string): Promise<void>;
  setSecretExpired(tenant: string, appId: string, expired: boolean): Promise<void>;
  /** every delta/skip token issued so far answers 400 syncStateNotFound */
  expireDeltaTokens(tenant: string): Promise<void>;
  fault(tenant: string | '*', f: Fault): Promise<void>;
  /** every request except control calls, in arrival order */
  requests(): Promise<RequestLogEntry[]>;
  clearRequests(): Promise<void>;
  reset(): Promise<void>;
}

export type FakeGraph = FakeGraphControl & { url: string; loginUrl: string; graphUrl: string; stop(): Promise<void> };

export type FakeGraphOptions = {
  port?: number;
  /** users/delta page size, default 200 (Prefer: odata.maxpagesize may lower it) */
  pageSize?: number;
  /** members/transitiveMembers default page size, default 100 ($top up to 999) */
  memberPageSize?: number;
  /** default 3599 */
  tokenLifetimeSeconds?: number;
};

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const GRAPH_SCOPES = new Set([GRAPH_SCOPE, '00000003-0000-0000-c000-000000000000/.default']);
const ODATA_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Real user properties a $select may name (canonical case); FakeUser stores a subset. */
const USER_PROPERTIES = [
  'id', 'accountEnabled', 'businessPhones', 'city', 'companyName', 'country', 'createdDateTime', 'department',
  'displayName', 'employeeId', 'employeeType', 'givenName', 'jobTitle', 'mail', 'mailNickname', 'mobilePhone',
  'officeLocation', 'onPremisesImmutableId', 'otherMails', 'postalCode', 'preferredLanguage', 'proxyAddresses',
  'state', 'streetAddress', 'surname', 'usageLocation', 'userPrincipalName', 'userType',
] as const;
const USER_PROPERTY_SET = new Set<string>(USER_PROPERTIES);
const PROPERTY_BY_LOWER = new Map<string, string>(USER_PROPERTIES.map((p) => [p.toLowerCase(), p]));
const ARRAY_PROPERTIES = new Set(['businessPhones', 'otherMails', 'proxyAddresses']);
const DEFAULT_USER_SELECT = [
  'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation',
  'preferredLanguage', 'surname', 'userPrincipalName', 'id',
];

const ROUTES = new Set(['token', 'delta', 'members', 'users', 'any']);
const FAULT_STATUSES = new Set([429, 503, 504, 410, 400, 401, 403, 500]);

const GRAPH_MESSAGES: Record<string, string> = {
  syncStateNotFound: 'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
  resyncRequired: 'The delta token is no longer valid, and the app must reset the sync state.',
  InvalidAuthenticationToken: 'Access token validation failure.',
  Authorization_RequestDenied: 'Insufficient privileges to complete the operation.',
  serviceNotAvailable: 'The service is temporarily unavailable. Please retry later.',
  timeout: 'The operation timed out before it could be completed.',
  generalException: 'An unspecified error has occurred.',
  BadRequest: 'Bad request.',
};
const FAULT_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'Authorization_RequestDenied',
  410: 'resyncRequired',
  500: 'generalException',
  503: 'serviceNotAvailable',
  504: 'timeout',
};

type StoredUser = Record<string, unknown>;
type UserRecord = { id: string; data: StoredUser; version: number; state: 'live' | 'changed' | 'deleted' };
type LogEntry = { v: number; r: UserRecord };
type App = { appId: string; secret: string; secretExpired: boolean; consented: boolean };
type Group = { id: string; displayName: string; members: Set<string> };
type Tenant = {
  tenantId: string;
  domain: string;
  apps: Map<string, App>;
  users: Map<string, UserRecord>;
  /** one entry per change, ascending v; an entry is stale once its record has a newer version */
  log: LogEntry[];
  stale: number;
  version: number;
  /** changes on expireDeltaTokens; every delta/skip token carries it */
  generation: string;
  groups: Map<string, Group>;
  denyNextConsent: boolean;
};
type QueuedFault = Fault & { tenantId: string; remaining: number };
type AccessToken = { tenantId: string; appId: string; expiresAt: number };

/** users/delta page token ('p') and deltaLink token ('d'); members ('m') and users list ('u') offsets */
type DeltaPageToken = { k: 'p'; g: string; s: number; u: number; a: number; i: boolean; p: string[] | null };
type DeltaLinkToken = { k: 'd'; g: string; s: number; p: string[] | null };
type OffsetToken = { k: 'm' | 'u'; o: number; t: number; p: string[] | null; id?: string };

type Ctx = { req: http.IncomingMessage; res: http.ServerResponse; url: URL; entry?: RequestLogEntry };
type Member = { kind: 'user'; rec: UserRecord } | { kind: 'group'; group: Group };

class ControlError extends Error {}

function fail(message: string): never {
  throw new ControlError(message);
}

function encodeToken(t: DeltaPageToken | DeltaLinkToken | OffsetToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isSelect = (v: unknown): v is string[] | null =>
  v === null || (Array.isArray(v) && v.every((p) => typeof p === 'string' && PROPERTY_BY_LOWER.has(p.toLowerCase())));

function secretMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Query parameter by name, case-insensitive, with or without the leading '$'. */
function param(url: URL, name: string): string | null {
  const want = name.toLowerCase();
  for (const [key, value] of url.searchParams) {
    const k = key.toLowerCase();
    if (k === want || `$${k}` === want) return value;
  }
  return null;
}

/** Canonical property names of a $select, or an error message. */
function parseSelect(raw: string): string[] | string {
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const name = part.trim();
    if (!name) continue;
    const canonical = PROPERTY_BY_LOWER.get(name.toLowerCase());
    if (!canonical) return `Could not find a property named '${name}' on type 'microsoft.graph.user'.`;
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}

function normalizeUser(user: FakeUser): StoredUser {
  if (!user || typeof user !== 'object') fail('user must be an object');
  if (typeof user.id !== 'string' || !user.id) fail('user.id must be a non-empty string');
  if (typeof user.userPrincipalName !== 'string' || !user.userPrincipalName) fail(`user ${user.id}: userPrincipalName is required`);
  const source = user as Record<string, unknown>;
  const data: StoredUser = {};
  for (const p in source) {
    if (p === 'id') continue;
    if (!USER_PROPERTY_SET.has(p)) fail(`user ${user.id}: unknown property '${p}'`);
    const v = source[p];
    if (v === undefined || v === null) continue;
    data[p] = Array.isArray(v) ? v.map(String) : v;
  }
  return data;
}

function sameData(a: StoredUser, b: StoredUser): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
  }
  return true;
}

/** Index of the first log entry with v > version. */
function firstAfter(log: LogEntry[], version: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid]!.v <= version) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Delta shape: selected properties that are set; removed users as @removed. */
function deltaObject(rec: UserRecord, select: string[]): Record<string, unknown> {
  if (rec.state !== 'live') return { id: rec.id, '@removed': { reason: rec.state } };
  const out: Record<string, unknown> = { id: rec.id };
  for (const p of select) {
    const v = rec.data[p];
    if (p !== 'id' && v !== undefined) out[p] = v;
  }
  return out;
}

/** Entity shape (users list, members): every selected property, null ([] for collections) when unset. */
function userEntity(rec: UserRecord, select: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: rec.id };
  for (const p of select) {
    if (p !== 'id') out[p] = rec.data[p] ?? (ARRAY_PROPERTIES.has(p) ? [] : null);
  }
  return out;
}

function aadTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export async function startFakeGraph(opts: FakeGraphOptions = {}): Promise<FakeGraph> {
  const pageSize = opts.pageSize ?? 200;
  const memberPageSize = opts.memberPageSize ?? 100;
  const tokenLifetime = opts.tokenLifetimeSeconds ?? 3599;
  if (!(pageSize >= 1 && memberPageSize >= 1 && memberPageSize <= 999)) throw new Error('pageSize ≥ 1 and 1 ≤ memberPageSize ≤ 999');

  const tenants = new Map<string, Tenant>();
  /** lower-cased tenantId and domain → tenant */
  const tenantIndex = new Map<string, Tenant>();
  const accessTokens = new Map<string, AccessToken>();
  let faults: QueuedFault[] = [];
  let log: RequestLogEntry[] = [];

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('fake graph:', err);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('fake graph internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const graphUrl = url;
  const loginUrl = url;

  /* ---------------------------------------------------------------------------------------- */
  /* State                                                                                     */
  /* ---------------------------------------------------------------------------------------- */

  function findTenant(key: string): Tenant | undefined {
    return tenantIndex.get(String(key).toLowerCase());
  }

  function tenantOrFail(key: string): Tenant {
    return findTenant(key) ?? fail(`unknown tenant '${key}'`);
  }

  function appOrFail(t: Tenant, appId: string): App {
    return t.apps.get(String(appId).toLowerCase()) ?? fail(`unknown app '${appId}' in tenant ${t.tenantId}`);
  }

  function groupOrFail(t: Tenant, id: string): Group {
    return t.groups.get(id) ?? fail(`unknown group '${id}' in tenant ${t.tenantId}`);
  }

  function upsertOne(t: Tenant, user: FakeUser): void {
    const data = normalizeUser(user);
    let rec = t.users.get(user.id);
    if (rec && rec.state === 'live' && sameData(rec.data, data)) return;
    const v = ++t.version;
    if (rec) {
      rec.data = data;
      rec.state = 'live';
      rec.version = v;
      t.stale++;
    } else {
      rec = { id: user.id, data, version: v, state: 'live' };
      t.users.set(user.id, rec);
    }
    t.log.push({ v, r: rec });
  }

  function compact(t: Tenant): void {
    // Tokens address the log by version, not index, so dropping stale entries never breaks them.
    if (t.stale > 1024 && t.stale > t.users.size) {
      t.log = t.log.filter((e) => e.r.version === e.v);
      t.stale = 0;
    }
  }

  const control: FakeGraphControl = {
    async addTenant(input) {
      if (!input || typeof input.tenantId !== 'string' || typeof input.domain !== 'string') fail('tenantId and domain are required');
      if (!Array.isArray(input.apps)) fail('apps must be an array');
      const byId = findTenant(input.tenantId);
      const byDomain = findTenant(input.domain);
      if (byDomain && byDomain !== byId) fail(`domain '${input.domain}' belongs to tenant ${byDomain.tenantId}`);
      const t: Tenant = byId ?? {
        tenantId: input.tenantId,
        domain: input.domain,
        apps: new Map(),
        users: new Map(),
        log: [],
        stale: 0,
        version: 0,
        generation: randomBytes(6).toString('base64url'),
        groups: new Map(),
        denyNextConsent: false,
      };
      if (byId) tenantIndex.delete(byId.domain.toLowerCase());
      t.domain = input.domain;
      for (const app of input.apps) {
        if (typeof app?.appId !== 'string' || typeof app.secret !== 'string') fail('apps need appId and secret');
        const existing = t.apps.get(app.appId.toLowerCase());
        t.apps.set(app.appId.toLowerCase(), {
          appId: app.appId,
          secret: app.secret,
          secretExpired: app.secretExpired ?? false,
          consented: existing?.consented ?? false,
        });
      }
      tenants.set(t.tenantId, t);
      tenantIndex.set(t.tenantId.toLowerCase(), t);
      tenantIndex.set(t.domain.toLowerCase(), t);
    },
    async upsertUser(tenant, user) {
      const t = tenantOrFail(tenant);
      upsertOne(t, user);
      compact(t);
    },
    async upsertUsers(tenant, users) {
      const t = tenantOrFail(tenant);
      if (!Array.isArray(users)) fail('users must be an array');
      for (const user of users) upsertOne(t, user);
      compact(t);
    },
    async deleteUser(tenant, id, opts) {
      const t = tenantOrFail(tenant);
      const rec = t.users.get(id) ?? fail(`unknown user '${id}' in tenant ${t.tenantId}`);
      const state = opts?.permanent ? 'deleted' : 'changed';
      if (rec.state === state || rec.state === 'deleted') return;
      rec.state = state;
      rec.version = ++t.version;
      t.stale++;
      t.log.push({ v: rec.version, r: rec });
      compact(t);
    },
    async addGroup(tenant, g) {
      const t = tenantOrFail(tenant);
      if (typeof g?.id !== 'string' || !g.id || typeof g.displayName !== 'string') fail('group needs id and displayName');
      if (t.users.has(g.id)) fail(`id '${g.id}' is already a user`);
      const existing = t.groups.get(g.id);
      if (existing) existing.displayName = g.displayName;
      else t.groups.set(g.id, { id: g.id, displayName: g.displayName, members: new Set() });
    },
    async addMember(tenant, groupId, memberId) {
      const t = tenantOrFail(tenant);
      const group = groupOrFail(t, groupId);
      if (memberId === groupId) fail('a group cannot be its own member');
      if (!t.users.has(memberId) && !t.groups.has(memberId)) fail(`unknown member '${memberId}' in tenant ${t.tenantId}`);
      group.members.add(memberId);
    },
    async addMembers(tenant, groupId, memberIds) {
      for (const id of memberIds) await control.addMember(tenant, groupId, id);
    },
    async removeMember(tenant, groupId, memberId) {
      groupOrFail(tenantOrFail(tenant), groupId).members.delete(memberId);
    },
    async setConsent(tenant, appId, consented) {
      appOrFail(tenantOrFail(tenant), appId).consented = Boolean(consented);
    },
    async denyNextConsent(tenant) {
      tenantOrFail(tenant).denyNextConsent = true;
    },
    async setSecretExpired(tenant, appId, expired) {
      appOrFail(tenantOrFail(tenant), appId).secretExpired = Boolean(expired);
    },
    async expireDeltaTokens(tenant) {
      tenantOrFail(tenant).generation = randomBytes(6).toString('base64url');
    },
    async fault(tenant, f) {
      const tenantId = tenant === '*' ? '*' : tenantOrFail(tenant).tenantId;
      if (!f || !ROUTES.has(f.route)) fail(`fault.route must be one of ${[...ROUTES].join(', ')}`);
      if (!f.hang && !FAULT_STATUSES.has(f.status!)) fail(`fault.status must be one of ${[...FAULT_STATUSES].join(', ')} (or hang: true)`);
      const times = f.times ?? 1;
      if (!Number.isSafeInteger(times) || times < 1) fail('fault.times must be a positive integer');
      faults.push({ ...f, tenantId, remaining: times });
    },
    async requests() {
      return log.map((e) => ({ ...e }));
    },
    async clearRequests() {
      log = [];
    },
    async reset() {
      tenants.clear();
      tenantIndex.clear();
      accessTokens.clear();
      faults = [];
      log = [];
    },
  };

  /* ---------------------------------------------------------------------------------------- */
  /* HTTP plumbing                                                                             */
  /* ---------------------------------------------------------------------------------------- */

  function send(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (ctx.entry) ctx.entry.status = status;
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    ctx.res.writeHead(status, { 'Content-Length': Buffer.byteLength(text), ...headers });
    ctx.res.end(text);
  }

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function requestIds(ctx: Ctx): { requestId: string; clientRequestId: string } {
    const client = ctx.req.headers['client-request-id'];
    return { requestId: randomUUID(), clientRequestId: typeof client === 'string' && client ? client : randomUUID() };
  }

  function sendGraph(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const ids = requestIds(ctx);
    send(ctx, status, body, {
      'Content-Type': ODATA_JSON,
      'request-id': ids.requestId,
      'client-request-id': ids.clientRequestId,
      ...headers,
    });
  }

  function graphError(ctx: Ctx, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
    const ids = requestIds(ctx);
    const body = {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          'request-id': ids.requestId,
          'client-request-id': ids.clientRequestId,
        },
      },
    };
    send(ctx, status, body, {
      'Content-Type': 'application/json',
      'request-id': ids.requestId,
      'client-request-id': ids.clientRequestId,
      ...(status === 401
        ? { 'WWW-Authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"' }
        : {}),
      ...headers,
    });
  }

  function throttled(ctx: Ctx, headers: Record<string, string>, code = 'TooManyRequests'): void {
    const ids = requestIds(ctx);
    const body = {
      error: {
        code,
        innerError: {
          code: '429',
          date: new Date().toISOString().slice(0, 19),
          message: 'Please retry after',
          'request-id': ids.requestId,
          status: '429',
        },
        message: 'Please retry again later.',
      },
    };
    send(ctx, 429, body, { 'Content-Type': 'application/json', 'request-id': ids.requestId, ...headers });
  }

  function aadstsDescription(code: number, text: string, traceId: string, correlationId: string, ts: string): string {
    return `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${ts}`;
  }

  function tokenError(ctx: Ctx, status: number, error: string, code: number, text: string, headers: Record<string, string> = {}): void {
    const ts = aadTimestamp(new Date());
    const traceId = randomUUID();
    const correlationId = requestIds(ctx).clientRequestId;
    send(
      ctx,
      status,
      {
        error,
        error_description: aadstsDescription(code, text, traceId, correlationId, ts),
        error_codes: [code],
        timestamp: ts,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `https://login.microsoftonline.com/error?code=${code}`,
      },
      { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache', ...headers },
    );
  }

  /** Consumes and answers the first queued fault matching this request; false when none matches. */
  function applyFault(ctx: Ctx, route: Fault['route'], tenantId: string | undefined): boolean {
    const index = faults.findIndex(
      (f) =>
        (f.tenantId === '*' || f.tenantId === tenantId) && (f.route === route || (f.route === 'any' && route !== 'token')),
    );
    if (index < 0) return false;
    const f = faults[index]!;
    if (--f.remaining <= 0) faults.splice(index, 1);
    if (f.hang || f.status === undefined) return true; // the socket stays open, unanswered, until the client gives up
    const status = f.status;
    const headers: Record<string, string> = f.retryAfter === undefined ? {} : { 'Retry-After': f.retryAfter };

    if (route === 'token') {
      const error = f.code ?? (status >= 500 || status === 429 ? 'temporarily_unavailable' : status === 401 ? 'invalid_client' : 'invalid_request');
      tokenError(ctx, status, error, 50000, 'There was an error issuing a token or an issue with our sign-in service. (fake graph: injected fault)', headers);
      return true;
    }
    if (status === 429) {
      throttled(ctx, headers, f.code);
      return true;
    }
    if (status === 410 && route === 'delta') headers.Location = `${graphUrl}/v1.0/users/delta?$deltatoken=`;
    const code = f.code ?? FAULT_CODES[status] ?? 'generalException';
    graphError(ctx, status, code, GRAPH_MESSAGES[code] ?? 'Injected fault.', headers);
    return true;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const ctx: Ctx = { req, res, url: new URL(req.url ?? '/', url) };
    const segments = ctx.url.pathname.split('/').filter(Boolean).map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });

    if (segments[0] === '_control') return handleControl(ctx, segments[1] ?? '');

    ctx.entry = { method: req.method ?? 'GET', path: ctx.url.pathname, search: ctx.url.search, status: 0, at: Date.now() };
    log.push(ctx.entry);

    if (segments[0]?.toLowerCase() === 'v1.0') return handleGraph(ctx, segments.slice(1));
    const [tenantKey = '', ...rest] = segments;
    const tail = rest.join('/').toLowerCase();
    if (tail === 'oauth2/v2.0/token') return handleToken(ctx, tenantKey);
    if (tail === 'v2.0/adminconsent') return handleAdminConsent(ctx, tenantKey);
    send(ctx, 404, { error: 'not_found', error_description: `fake graph: no route for ${ctx.url.pathname}` }, { 'Content-Type': 'application/json' });
  }

  async function handleControl(ctx: Ctx, method: string): Promise<void> {
    if (ctx.req.method !== 'POST') return send(ctx, 405, { error: 'POST only' }, { 'Content-Type': 'application/json' });
    if (!Object.hasOwn(control, method)) return send(ctx, 404, { error: `unknown control method '${method}'` }, { 'Content-Type': 'application/json' });
    let args: unknown[];
    try {
      const text = await readBody(ctx.req);
      const parsed: unknown = text ? JSON.parse(text) : {};
      const raw = (parsed as { args?: unknown }).args ?? [];
      if (!Array.isArray(raw)) throw new Error('args must be an array');
      args = raw;
    } catch (err) {
      return send(ctx, 400, { error: `bad control request: ${(err as Error).message}` }, { 'Content-Type': 'application/json' });
    }
    try {
      const fn = control[method as keyof FakeGraphControl] as (...a: unknown[]) => Promise<unknown>;
      const result = await fn(...args);
      send(ctx, 200, { result: result ?? null }, { 'Content-Type': 'application/json' });
    } catch (err) {
      if (!(err instanceof ControlError)) throw err;
      send(ctx, 400, { error: err.message }, { 'Content-Type': 'application/json' });
    }
  }

  /* ---------------------------------------------------------------------------------------- */
  /* Identity platform                                                                         */
  /* ---------------------------------------------------------------------------------------- */

  async function handleToken(ctx: Ctx, tenantKey: string): Promise<void> {
    const t = findTenant(tenantKey);
    if (applyFault(ctx, 'token', t?.tenantId)) return;
    if (ctx.req.method !== 'POST') {
      return tokenError(ctx, 400, 'invalid_request', 900561, 'The endpoint only accepts POST requests. Received a GET request.');
    }
    if (!t) {
      return tokenError(
        ctx, 400, 'invalid_request', 90002,
        `Tenant '${tenantKey}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      );
    }
    const form = new URLSearchParams(await readBody(ctx.req));
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const formDecode = (s: string) => {
        try {
          return decodeURIComponent(s.replace(/\+/g, ' '));
        } catch {
          return s;
        }
      };
      if (colon > 0) {
        clientId = formDecode(decoded.slice(0, colon));
        secret = formDecode(decoded.slice(colon + 1));
      }
    }
    const missing = (name: string) =>
      tokenError(ctx, 400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);

    const grantType = form.get('grant_type');
    if (!grantType) return missing('grant_type');
    if (grantType !== 'client_credentials') {
      return tokenError(ctx, 400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    if (!clientId) return missing('client_id');
    const app = t.apps.get(clientId.toLowerCase());
    if (!app) {
      return tokenError(
        ctx, 400, 'unauthorized_client', 700016,
        `Application with identifier '${clientId}' was not found in the directory '${t.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    }
    if (!secret) {
      return tokenError(ctx, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    if (!secretMatches(secret, app.secret)) {
      return tokenError(
        ctx, 401, 'invalid_client', 7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
      );
    }
    if (app.secretExpired) {
      return tokenError(
        ctx, 401, 'invalid_client', 7000222,
        `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      );
    }
    const scope = form.get('scope');
    if (!scope) return missing('scope');
    if (!scope.split(' ').every((s) => s.endsWith('/.default'))) {
      return tokenError(
        ctx, 400, 'invalid_scope', 1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    if (!GRAPH_SCOPES.has(scope)) {
      return tokenError(
        ctx, 400, 'invalid_resource', 500011,
        `The resource principal named ${scope.replace(/\/\.default$/, '')} was not found in the tenant named ${t.domain}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      );
    }
    const accessToken = randomBytes(32).toString('base64url');
    accessTokens.set(accessToken, { tenantId: t.tenantId, appId: app.appId.toLowerCase(), expiresAt: Date.now() + tokenLifetime * 1000 });
    send(
      ctx,
      200,
      { token_type: 'Bearer', expires_in: tokenLifetime, ext_expires_in: tokenLifetime, access_token: accessToken },
      { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
    );
  }

  function handleAdminConsent(ctx: Ctx, tenantKey: string): void {
    const redirectUri = param(ctx.url, 'redirect_uri');
    let target: URL;
    try {
      target = new URL(redirectUri ?? '');
    } catch {
      return send(ctx, 400, "AADSTS900144: The request body must contain the following parameter: 'redirect_uri'.", { 'Content-Type': 'text/plain' });
    }
    const state = param(ctx.url, 'state');
    const redirect = (params: Record<string, string>) => {
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      if (state !== null) target.searchParams.set('state', state);
      send(ctx, 302, undefined, { Location: target.toString() });
    };
    const description = (code: number, text: string) =>
      aadstsDescription(code, text, randomUUID(), randomUUID(), aadTimestamp(new Date()));

    const t = findTenant(tenantKey);
    if (!t) {
      return redirect({
        error: 'invalid_request',
        error_description: description(90002, `Tenant '${tenantKey}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`),
      });
    }
    const clientId = param(ctx.url, 'client_id');
    if (!clientId) {
      return redirect({ error: 'invalid_request', error_description: description(900144, "The request body must contain the following parameter: 'client_id'.") });
    }
    const app = t.apps.get(clientId.toLowerCase());
    if (!app) {
      return redirect({
        error: 'unauthorized_client',
        error_description: description(700016, `Application with identifier '${clientId}' was not found in the directory '${t.domain}'.`),
      });
    }
    if (t.denyNextConsent) {
      t.denyNextConsent = false;
      return redirect({
        admin_consent: 'True',
        error: 'consent_required',
        error_description: description(65004, 'The resource owner or authorization server denied the request.'),
      });
    }
    app.consented = true;
    redirect({ admin_consent: 'True', tenant: t.tenantId, scope: param(ctx.url, 'scope') ?? GRAPH_SCOPE });
  }

  /* ---------------------------------------------------------------------------------------- */
  /* Graph                                                                                     */
  /* ---------------------------------------------------------------------------------------- */

  async function handleGraph(ctx: Ctx, segments: string[]): Promise<void> {
    const lower = segments.map((s) => s.toLowerCase().replace(/\(\)$/, ''));
    let route: Fault['route'] = 'any';
    if (lower[0] === 'users' && (lower[1] === 'delta' || lower[1] === 'microsoft.graph.delta') && lower.length === 2) route = 'delta';
    else if (lower[0] === 'users' && lower.length <= 2) route = 'users';
    else if (lower[0] === 'groups' && lower.length === 3 && (lower[2] === 'members' || lower[2] === 'transitivemembers')) route = 'members';

    const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '')?.[1];
    const token = bearer === undefined ? undefined : accessTokens.get(bearer);
    if (applyFault(ctx, route, token?.tenantId)) return;

    if (bearer === undefined) return graphError(ctx, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    if (!token) return graphError(ctx, 401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed, there are no dots (.).');
    if (token.expiresAt <= Date.now()) {
      return graphError(ctx, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
    }
    const t = tenants.get(token.tenantId);
    const app = t?.apps.get(token.appId);
    if (!t || !app) return graphError(ctx, 401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
    if (!app.consented) return graphError(ctx, 403, 'Authorization_RequestDenied', GRAPH_MESSAGES.Authorization_RequestDenied!);
    if (ctx.req.method !== 'GET') return graphError(ctx, 405, 'Request_BadRequest', `The HTTP method '${ctx.req.method}' is not supported by the fake.`);

    if (route === 'delta') return handleDelta(ctx, t);
    if (route === 'users' && segments.length === 1) return handleUserList(ctx, t);
    if (route === 'users') return handleUserById(ctx, t, segments[1]!);
    if (route === 'members') return handleMembers(ctx, t, segments[1]!, lower[2] === 'transitivemembers');
    if (lower[0] === 'groups' && segments.length === 2) return handleGroupById(ctx, t, segments[1]!);
    graphError(ctx, 400, 'BadRequest', `Resource not found for the segment '${segments[0] ?? ''}'.`);
  }

  /** Validated $select of the request: undefined when absent, null after an error was sent. */
  function requestSelect(ctx: Ctx): string[] | undefined | null {
    const raw = param(ctx.url, '$select');
    if (raw === null) return undefined;
    const parsed = parseSelect(raw);
    if (typeof parsed === 'string') {
      graphError(ctx, 400, 'BadRequest', parsed);
      return null;
    }
    return parsed;
  }

  function syncStateNotFound(ctx: Ctx): void {
    graphError(ctx, 400, 'syncStateNotFound', GRAPH_MESSAGES.syncStateNotFound!);
  }

  function handleDelta(ctx: Ctx, t: Tenant): void {
    const requested = requestSelect(ctx);
    if (requested === null) return;
    const skip = param(ctx.url, '$skiptoken');
    const delta = param(ctx.url, '$deltatoken');

    let since = 0;
    let upTo = t.version;
    let after = 0;
    let initial = true;
    let select: string[] | null = requested ?? null;

    if (skip !== null) {
      const tok = decodeToken(skip);
      if (!tok || tok.k !== 'p' || typeof tok.g !== 'string' || !isInt(tok.s) || !isInt(tok.u) || !isInt(tok.a) || typeof tok.i !== 'boolean' || !isSelect(tok.p)) {
        return graphError(ctx, 400, 'BadRequest', 'Invalid $skiptoken.');
      }
      if (tok.g !== t.generation) return syncStateNotFound(ctx);
      ({ s: since, u: upTo, a: after, i: initial, p: select } = tok as DeltaPageToken);
    } else if (delta !== null && delta.toLowerCase() === 'latest') {
      const link: DeltaLinkToken = { k: 'd', g: t.generation, s: t.version, p: select };
      return sendGraph(ctx, 200, {
        '@odata.context': usersContext(requested),
        '@odata.deltaLink': `${graphUrl}/v1.0/users/delta?$deltatoken=${encodeToken(link)}`,
        value: [],
      });
    } else if (delta !== null && delta !== '') {
      const tok = decodeToken(delta);
      if (!tok || tok.k !== 'd' || typeof tok.g !== 'string' || !isInt(tok.s) || !isSelect(tok.p)) {
        return graphError(ctx, 400, 'BadRequest', 'Invalid $deltatoken.');
      }
      if (tok.g !== t.generation) return syncStateNotFound(ctx);
      since = tok.s;
      after = tok.s;
      initial = false;
      if (requested === undefined) select = tok.p as string[] | null;
    }

    const preferred = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(String(ctx.req.headers.prefer ?? ''))?.[1];
    const limit = Math.max(1, Math.min(pageSize, preferred ? Number(preferred) : pageSize));
    const fields = select ?? DEFAULT_USER_SELECT;
    const matches = (e: LogEntry) => e.r.version === e.v && (!initial || e.r.state === 'live');

    const items: Record<string, unknown>[] = [];
    let last = after;
    let i = firstAfter(t.log, after);
    for (; i < t.log.length && items.length < limit; i++) {
      const e = t.log[i]!;
      if (e.v > upTo) break;
      if (!matches(e)) continue;
      items.push(deltaObject(e.r, fields));
      last = e.v;
    }
    let more = false;
    for (; i < t.log.length && t.log[i]!.v <= upTo; i++) {
      if (matches(t.log[i]!)) {
        more = true;
        break;
      }
    }

    const body: Record<string, unknown> = { '@odata.context': usersContext(requested) };
    if (more) {
      const next: DeltaPageToken = { k: 'p', g: t.generation, s: since, u: upTo, a: last, i: initial, p: select };
      body['@odata.nextLink'] = `${graphUrl}/v1.0/users/delta?$skiptoken=${encodeToken(next)}`;
    } else {
      const link: DeltaLinkToken = { k: 'd', g: t.generation, s: upTo, p: select };
      body['@odata.deltaLink'] = `${graphUrl}/v1.0/users/delta?$deltatoken=${encodeToken(link)}`;
    }
    body.value = items;
    sendGraph(ctx, 200, body, preferred ? { 'Preference-Applied': `odata.maxpagesize=${limit}` } : {});
  }

  function usersContext(select: string[] | undefined): string {
    return `${graphUrl}/v1.0/$metadata#users${select ? `(${select.join(',')})` : ''}`;
  }

  /** $top (1..999, default given) or null after an error was sent. */
  function requestTop(ctx: Ctx, fallback: number): number | null {
    const raw = param(ctx.url, '$top');
    if (raw === null) return fallback;
    const top = Number(raw);
    if (!Number.isInteger(top) || top < 1 || top > 999) {
      graphError(ctx, 400, 'Request_UnsupportedQuery', `Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`);
      return null;
    }
    return top;
  }

  /** Offset paging shared by the users list and group members. */
  function offsetPage(ctx: Ctx, kind: 'm' | 'u', fallbackTop: number, id?: string): { o: number; t: number; p: string[] | null; requested?: string[] } | null {
    const skip = param(ctx.url, '$skiptoken');
    if (skip !== null) {
      const tok = decodeToken(skip);
      if (!tok || tok.k !== kind || !isInt(tok.o) || !isInt(tok.t) || !isSelect(tok.p) || tok.id !== id) {
        graphError(ctx, 400, 'BadRequest', 'Invalid $skiptoken.');
        return null;
      }
      return { o: tok.o, t: tok.t, p: tok.p as string[] | null };
    }
    const requested = requestSelect(ctx);
    if (requested === null) return null;
    const top = requestTop(ctx, fallbackTop);
    if (top === null) return null;
    return { o: 0, t: top, p: requested ?? null, requested };
  }

  function handleUserList(ctx: Ctx, t: Tenant): void {
    const page = offsetPage(ctx, 'u', 100);
    if (!page) return;
    const live = [...t.users.values()].filter((r) => r.state === 'live');
    const fields = page.p ?? DEFAULT_USER_SELECT;
    const body: Record<string, unknown> = { '@odata.context': usersContext(page.requested) };
    if (page.o + page.t < live.length) {
      const next: OffsetToken = { k: 'u', o: page.o + page.t, t: page.t, p: page.p };
      body['@odata.nextLink'] = `${graphUrl}/v1.0/users?$top=${page.t}&$skiptoken=${encodeToken(next)}`;
    }
    body.value = live.slice(page.o, page.o + page.t).map((r) => userEntity(r, fields));
    sendGraph(ctx, 200, body);
  }

  function notFound(ctx: Ctx, id: string): void {
    graphError(ctx, 404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
  }

  function handleUserById(ctx: Ctx, t: Tenant, key: string): void {
    const select = requestSelect(ctx);
    if (select === null) return;
    const wanted = key.toLowerCase();
    const rec =
      t.users.get(key) ??
      [...t.users.values()].find((r) => r.id.toLowerCase() === wanted || String(r.data.userPrincipalName).toLowerCase() === wanted);
    if (!rec || rec.state !== 'live') return notFound(ctx, key);
    sendGraph(ctx, 200, {
      '@odata.context': `${graphUrl}/v1.0/$metadata#users${select ? `(${select.join(',')})` : ''}/$entity`,
      ...userEntity(rec, select ?? DEFAULT_USER_SELECT),
    });
  }

  function handleGroupById(ctx: Ctx, t: Tenant, id: string): void {
    const group = t.groups.get(id);
    if (!group) return notFound(ctx, id);
    sendGraph(ctx, 200, { '@odata.context': `${graphUrl}/v1.0/$metadata#groups/$entity`, id: group.id, displayName: group.displayName });
  }

  function members(t: Tenant, root: Group, transitive: boolean): Member[] {
    const out: Member[] = [];
    const seen = new Set<string>([root.id]);
    const queue: Group[] = [root];
    for (let q = 0; q < queue.length; q++) {
      for (const id of queue[q]!.members) {
        if (seen.has(id)) continue;
        const group = t.groups.get(id);
        if (group) {
          seen.add(id);
          out.push({ kind: 'group', group });
          if (transitive) queue.push(group);
          continue;
        }
        const rec = t.users.get(id);
        if (rec?.state === 'live') {
          seen.add(id);
          out.push({ kind: 'user', rec });
        }
      }
      if (!transitive) break;
    }
    return out;
  }

  function handleMembers(ctx: Ctx, t: Tenant, groupId: string, transitive: boolean): void {
    const group = t.groups.get(groupId);
    if (!group) return notFound(ctx, groupId);
    const segment = transitive ? 'transitiveMembers' : 'members';
    const page = offsetPage(ctx, 'm', memberPageSize, `${segment}/${groupId}`);
    if (!page) return;
    const all = members(t, group, transitive);
    const fields = page.p ?? DEFAULT_USER_SELECT;
    const value = all.slice(page.o, page.o + page.t).map((m) => {
      if (m.kind === 'user') return { '@odata.type': '#microsoft.graph.user', ...userEntity(m.rec, fields) };
      const out: Record<string, unknown> = { '@odata.type': '#microsoft.graph.group', id: m.group.id };
      if (!page.p || page.p.includes('displayName')) out.displayName = m.group.displayName;
      return out;
    });
    const body: Record<string, unknown> = {
      '@odata.context': `${graphUrl}/v1.0/$metadata#directoryObjects${page.requested ? `(${page.requested.join(',')})` : ''}`,
    };
    if (page.o + page.t < all.length) {
      const next: OffsetToken = { k: 'm', o: page.o + page.t, t: page.t, p: page.p, id: `${segment}/${groupId}` };
      body['@odata.nextLink'] = `${graphUrl}/v1.0/groups/${encodeURIComponent(groupId)}/${segment}?$skiptoken=${encodeToken(next)}`;
    }
    body.value = value;
    sendGraph(ctx, 200, body);
  }

  return {
    ...control,
    url,
    loginUrl,
    graphUrl,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
