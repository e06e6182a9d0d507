// Drives the fake Microsoft identity platform + Graph over real HTTP and checks the wire shapes
// the sync client depends on (see /work/shared/reference/microsoft-graph.md).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGraphControl } from './control';
import { startFakeGraph, type FakeGraph, type FakeGraphControl, type FakeUser } from './fake-graph';

type Json = Record<string, any>;
type Reply = { status: number; headers: Headers; body: Json };
type TestTenant = { tenantId: string; domain: string; appId: string; secret: string };

const SCOPE = 'https://graph.microsoft.com/.default';
const SELECT = 'id,displayName,givenName,surname,userPrincipalName,mail,accountEnabled';

let graph: FakeGraph;

beforeAll(async () => {
  graph = await startFakeGraph();
});
afterAll(() => graph?.stop());

async function newTenant(opts: { consented?: boolean; on?: FakeGraphControl } = {}): Promise<TestTenant> {
  const on = opts.on ?? graph;
  const t: TestTenant = {
    tenantId: randomUUID(),
    domain: `t${randomUUID().slice(0, 8)}.onmicrosoft.com`,
    appId: randomUUID(),
    secret: `s3cr3t~${randomUUID()}`,
  };
  await on.addTenant({ tenantId: t.tenantId, domain: t.domain, apps: [{ appId: t.appId, secret: t.secret }] });
  if (opts.consented ?? true) await on.setConsent(t.tenantId, t.appId, true);
  return t;
}

function user(n: number, extra: Partial<FakeUser> = {}): FakeUser {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    displayName: `User ${n}`,
    givenName: `Given${n}`,
    surname: `Sur${n}`,
    userPrincipalName: `user${n}@example.com`,
    mail: `user${n}@example.com`,
    accountEnabled: true,
    ...extra,
  };
}

async function tokenRequest(
  tenant: string,
  form: Record<string, string>,
  opts: { basic?: [string, string]; on?: FakeGraph } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (opts.basic) {
    const [id, secret] = opts.basic.map((s) => encodeURIComponent(s));
    headers.Authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  }
  const res = await fetch(`${(opts.on ?? graph).loginUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

async function accessToken(t: TestTenant, on: FakeGraph = graph): Promise<string> {
  const r = await tokenRequest(
    t.tenantId,
    { grant_type: 'client_credentials', client_id: t.appId, client_secret: t.secret, scope: SCOPE },
    { on },
  );
  expect(r.status).toBe(200);
  return r.body.access_token as string;
}

async function get(pathOrUrl: string, token: string | undefined, headers: Record<string, string> = {}): Promise<Reply> {
  const target = pathOrUrl.startsWith('http') ? pathOrUrl : `${graph.graphUrl}${pathOrUrl}`;
  const res = await fetch(target, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

/** Follows nextLinks to the deltaLink, as the sync client will. */
async function walk(start: string, token: string, headers: Record<string, string> = {}) {
  const pages: Json[] = [];
  let next = start;
  for (;;) {
    const r = await get(next, token, headers);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    pages.push(r.body);
    if (typeof r.body['@odata.nextLink'] === 'string') {
      expect(r.body['@odata.deltaLink']).toBeUndefined();
      next = r.body['@odata.nextLink'];
      continue;
    }
    return { pages, items: pages.flatMap((p) => p.value as Json[]), deltaLink: r.body['@odata.deltaLink'] as string };
  }
}

describe('token endpoint', () => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await newTenant();
  });

  it('issues an opaque bearer token for client_credentials with the secret in the body', async () => {
    const r = await tokenRequest(t.domain, {
      grant_type: 'client_credentials',
      client_id: t.appId,
      client_secret: t.secret,
      scope: SCOPE,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.body).toEqual({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: expect.any(String) });
    expect(r.body.access_token.length).toBeGreaterThan(20);
  });

  it('accepts the client secret as HTTP Basic', async () => {
    const r = await tokenRequest(t.tenantId, { grant_type: 'client_credentials', scope: SCOPE }, { basic: [t.appId, t.secret] });
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe('Bearer');
  });

  it.each([
    ['unknown tenant', 'nope.onmicrosoft.com', {}, 400, 'invalid_request', 90002],
    ['unknown app', undefined, { client_id: randomUUID() }, 400, 'unauthorized_client', 700016],
    ['wrong secret', undefined, { client_secret: 'wrong' }, 401, 'invalid_client', 7000215],
    ['missing secret', undefined, { client_secret: '' }, 401, 'invalid_client', 7000218],
    ['unsupported grant', undefined, { grant_type: 'password' }, 400, 'unsupported_grant_type', 70003],
    ['scope without /.default', undefined, { scope: 'User.Read' }, 400, 'invalid_scope', 1002012],
    ['another resource', undefined, { scope: 'https://vault.azure.net/.default' }, 400, 'invalid_resource', 500011],
  ] as const)('%s → %i %s AADSTS%i', async (_name, tenant, override, status, error, code) => {
    const form: Record<string, string> = { grant_type: 'client_credentials', client_id: t.appId, client_secret: t.secret, scope: SCOPE, ...override };
    const r = await tokenRequest(tenant ?? t.tenantId, form);
    expect(r.status).toBe(status);
    expect(r.body).toEqual({
      error,
      error_description: expect.stringMatching(new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: .+\\r\\nCorrelation ID: .+\\r\\nTimestamp: `)),
      error_codes: [code],
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
      trace_id: expect.any(String),
      correlation_id: expect.any(String),
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    });
  });

  it('expired secret → 401 invalid_client AADSTS7000222, and back after renewal', async () => {
    const form = { grant_type: 'client_credentials', client_id: t.appId, client_secret: t.secret, scope: SCOPE };
    await graph.setSecretExpired(t.domain, t.appId, true);
    const r = await tokenRequest(t.tenantId, form);
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_client');
    expect(r.body.error_codes).toEqual([7000222]);
    expect(r.body.error_description).toMatch(/^AADSTS7000222: The provided client secret keys for app/);
    await graph.setSecretExpired(t.tenantId, t.appId, false);
    expect((await tokenRequest(t.tenantId, form)).status).toBe(200);
  });
});

describe('admin consent and Graph authorization', () => {
  const redirectUri = 'http://localhost:3999/api/graph/consent?x=1';

  async function consent(tenant: string, clientId: string, state = 'st-123') {
    const u = new URL(`${graph.loginUrl}/${tenant}/v2.0/adminconsent`);
    u.search = new URLSearchParams({ client_id: clientId, scope: SCOPE, redirect_uri: redirectUri, state }).toString();
    const res = await fetch(u, { redirect: 'manual' });
    const location = res.headers.get('location') ?? '';
    return { status: res.status, location, params: new URL(location).searchParams };
  }

  it('an app starts without consent: token works, Graph answers 403 Authorization_RequestDenied', async () => {
    const t = await newTenant({ consented: false });
    const r = await get('/v1.0/users?$top=1', await accessToken(t));
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
    expect(r.body.error.innerError).toMatchObject({ date: expect.any(String), 'request-id': expect.any(String) });
  });

  it('adminconsent redirects with admin_consent=True, the tenant GUID, scope and state, and grants consent', async () => {
    const t = await newTenant({ consented: false });
    const token = await accessToken(t);
    const c = await consent(t.domain, t.appId);
    expect(c.status).toBe(302);
    expect(c.location.startsWith('http://localhost:3999/api/graph/consent?x=1&')).toBe(true);
    expect(c.location).toContain('scope=https%3A%2F%2Fgraph.microsoft.com%2F.default');
    expect(Object.fromEntries(c.params)).toEqual({ x: '1', admin_consent: 'True', tenant: t.tenantId, scope: SCOPE, state: 'st-123' });
    expect((await get('/v1.0/users?$top=1', token)).status).toBe(200);
  });

  it('denyNextConsent → error=consent_required AADSTS65004 once, then consent works', async () => {
    const t = await newTenant({ consented: false });
    await graph.denyNextConsent(t.tenantId);
    const denied = await consent(t.tenantId, t.appId, 'st-9');
    expect(denied.status).toBe(302);
    expect(denied.params.get('admin_consent')).toBe('True');
    expect(denied.params.get('error')).toBe('consent_required');
    expect(denied.params.get('error_description')).toMatch(/^AADSTS65004: The resource owner or authorization server denied the request\./);
    expect(denied.params.get('state')).toBe('st-9');
    expect(denied.params.get('tenant')).toBeNull();
    expect((await get('/v1.0/users?$top=1', await accessToken(t))).status).toBe(403);

    const ok = await consent(t.tenantId, t.appId);
    expect(ok.params.get('error')).toBeNull();
    expect((await get('/v1.0/users?$top=1', await accessToken(t))).status).toBe(200);
  });

  it('unknown tenant → redirect with error=invalid_request and AADSTS90002', async () => {
    const c = await consent('nobody.onmicrosoft.com', randomUUID());
    expect(c.status).toBe(302);
    expect(c.params.get('error')).toBe('invalid_request');
    expect(c.params.get('error_description')).toMatch(/^AADSTS90002: /);
    expect(c.params.get('state')).toBe('st-123');
  });

  it('missing, unknown or expired bearer tokens → 401 InvalidAuthenticationToken', async () => {
    expect((await get('/v1.0/users?$top=1', undefined)).body.error.code).toBe('InvalidAuthenticationToken');
    const bogus = await get('/v1.0/users?$top=1', 'not-a-token');
    expect(bogus.status).toBe(401);
    expect(bogus.body.error.code).toBe('InvalidAuthenticationToken');

    const shortLived = await startFakeGraph({ tokenLifetimeSeconds: 1 });
    try {
      const t = await newTenant({ on: shortLived });
      const token = await accessToken(t, shortLived);
      expect((await get(`${shortLived.graphUrl}/v1.0/users?$top=1`, token)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      const expired = await get(`${shortLived.graphUrl}/v1.0/users?$top=1`, token);
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('InvalidAuthenticationToken');
    } finally {
      await shortLived.stop();
    }
  });
});

describe('GET /v1.0/users', () => {
  it('honours $top and $select; unset selected properties are null', async () => {
    const t = await newTenant();
    await graph.upsertUsers(t.tenantId, [user(1, { mail: null }), user(2), user(3)]);
    const r = await get('/v1.0/users?$top=1&$select=id,mail,displayName', await accessToken(t));
    expect(r.status).toBe(200);
    expect(r.body['@odata.context']).toBe(`${graph.graphUrl}/v1.0/$metadata#users(id,mail,displayName)`);
    expect(r.body.value).toEqual([{ id: user(1).id, mail: null, displayName: 'User 1' }]);
  });
});

describe('users/delta', () => {
  let t: TestTenant;
  let token: string;
  const prefer3 = { Prefer: 'odata.maxpagesize=3' };

  beforeAll(async () => {
    t = await newTenant();
    token = await accessToken(t);
  });

  it('initial round: pages with nextLinks, last page has the deltaLink, every user exactly once', async () => {
    await graph.upsertUsers(t.tenantId, [1, 2, 3, 4, 5, 6, 7].map((n) => user(n)));
    const { pages, items, deltaLink } = await walk(`/v1.0/users/microsoft.graph.delta?$select=${SELECT}`, token, prefer3);
    expect(pages.map((p) => p.value.length)).toEqual([3, 3, 1]);
    expect(pages[0]!['@odata.context']).toBe(`${graph.graphUrl}/v1.0/$metadata#users(${SELECT})`);
    expect(pages[1]!['@odata.context']).toBe(`${graph.graphUrl}/v1.0/$metadata#users`);
    expect(pages[0]!['@odata.nextLink']).toMatch(new RegExp(`^${graph.graphUrl}/v1\\.0/users/delta\\?\\$skiptoken=[\\w-]+$`));
    expect(deltaLink).toMatch(new RegExp(`^${graph.graphUrl}/v1\\.0/users/delta\\?\\$deltatoken=[\\w-]+$`));
    expect(items.map((u) => u.id).sort()).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => user(n).id));
    expect(items.find((u) => u.id === user(4).id)).toEqual({
      id: user(4).id,
      displayName: 'User 4',
      givenName: 'Given4',
      surname: 'Sur4',
      userPrincipalName: 'user4@example.com',
      mail: 'user4@example.com',
      accountEnabled: true,
    });
  });

  it('$select is honoured and properties never set are omitted; no $select → default properties', async () => {
    const s = await newTenant();
    const sToken = await accessToken(s);
    await graph.upsertUser(s.domain, { id: 'room-1', displayName: 'Conf Room Adams', userPrincipalName: 'room1@example.com', jobTitle: 'Room' });
    const selected = await walk('/v1.0/users/delta?$select=displayName,givenName,surname', sToken);
    expect(selected.items).toEqual([{ id: 'room-1', displayName: 'Conf Room Adams' }]);
    const defaults = await walk('/v1.0/users/delta', sToken);
    expect(defaults.pages[0]!['@odata.context']).toBe(`${graph.graphUrl}/v1.0/$metadata#users`);
    expect(defaults.items).toEqual([{ id: 'room-1', displayName: 'Conf Room Adams', userPrincipalName: 'room1@example.com', jobTitle: 'Room' }]);
    const bad = await get('/v1.0/users/delta?$select=id,nosuchprop', sToken);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BadRequest');
  });

  it('incremental round: updates (latest state once), soft delete, permanent delete, create; $select carried in the token', async () => {
    const first = await walk(`/v1.0/users/delta?$select=id,displayName,mail`, token);
    await graph.upsertUser(t.tenantId, user(1, { displayName: 'Renamed once' }));
    await graph.upsertUser(t.tenantId, user(1, { displayName: 'Renamed twice', mail: null }));
    await graph.upsertUser(t.tenantId, user(5)); // unchanged: not reported
    await graph.deleteUser(t.tenantId, user(2).id);
    await graph.deleteUser(t.tenantId, user(3).id, { permanent: true });
    await graph.upsertUser(t.tenantId, user(8));

    const second = await walk(first.deltaLink, token, prefer3);
    expect(second.pages.map((p) => p.value.length)).toEqual([3, 1]);
    expect(second.pages[0]!['@odata.context']).toBe(`${graph.graphUrl}/v1.0/$metadata#users`);
    const byId = new Map(second.items.map((u) => [u.id, u]));
    expect(second.items).toHaveLength(4);
    expect(byId.get(user(1).id)).toEqual({ id: user(1).id, displayName: 'Renamed twice' });
    expect(byId.get(user(2).id)).toEqual({ id: user(2).id, '@removed': { reason: 'changed' } });
    expect(byId.get(user(3).id)).toEqual({ id: user(3).id, '@removed': { reason: 'deleted' } });
    expect(byId.get(user(8).id)).toEqual({ id: user(8).id, displayName: 'User 8', mail: 'user8@example.com' });

    const idle = await walk(second.deltaLink, token);
    expect(idle.pages).toHaveLength(1);
    expect(idle.items).toEqual([]);

    await graph.upsertUser(t.tenantId, user(2)); // restore from soft delete
    const third = await walk(idle.deltaLink, token);
    expect(third.items).toEqual([{ id: user(2).id, displayName: 'User 2', mail: 'user2@example.com' }]);

    // the initial round no longer lists deleted users
    const fresh = await walk('/v1.0/users/delta?$select=id', token);
    expect(fresh.items.map((u) => u.id)).not.toContain(user(3).id);
    expect(fresh.items).toHaveLength(7);
  });

  it('the same nextLink or deltaLink fetched twice returns the same page', async () => {
    const page1 = await get('/v1.0/users/delta?$select=id,displayName', token, prefer3);
    const next = page1.body['@odata.nextLink'] as string;
    const a = await get(next, token, prefer3);
    const b = await get(next, token, prefer3);
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(a.body.value).toHaveLength(3);

    const { deltaLink } = await walk('/v1.0/users/delta?$select=id', token);
    await graph.upsertUser(t.tenantId, user(9));
    const c = await get(deltaLink, token);
    const d = await get(deltaLink, token);
    expect(d.body).toEqual(c.body);
    expect(c.body.value).toEqual([{ id: user(9).id }]);
  });

  it('$deltatoken=latest returns only a deltaLink; following it yields later changes only', async () => {
    const latest = await get('/v1.0/users/delta?$deltatoken=latest&$select=id,surname', token);
    expect(latest.status).toBe(200);
    expect(latest.body.value).toEqual([]);
    expect(latest.body['@odata.nextLink']).toBeUndefined();
    await graph.upsertUser(t.tenantId, user(10));
    const changes = await walk(latest.body['@odata.deltaLink'], token);
    expect(changes.items).toEqual([{ id: user(10).id, surname: 'Sur10' }]);
  });

  it('expireDeltaTokens → every earlier link answers 400 syncStateNotFound; a new initial round works', async () => {
    const page1 = await get('/v1.0/users/delta?$select=id', token, prefer3);
    const { deltaLink } = await walk('/v1.0/users/delta?$select=id', token);
    await graph.expireDeltaTokens(t.domain);
    for (const link of [page1.body['@odata.nextLink'] as string, deltaLink]) {
      const r = await get(link, token);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({
        code: 'syncStateNotFound',
        message: 'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
        innerError: { date: expect.any(String), 'request-id': expect.any(String), 'client-request-id': expect.any(String) },
      });
    }
    expect((await walk('/v1.0/users/delta?$select=id', token)).items.length).toBeGreaterThan(0);
  });
});

describe('faults', () => {
  let t: TestTenant;
  let token: string;
  beforeAll(async () => {
    t = await newTenant();
    token = await accessToken(t);
    await graph.upsertUser(t.tenantId, user(1));
  });

  it('429 with Retry-After and the throttling body, then the retry succeeds', async () => {
    await graph.fault(t.tenantId, { route: 'delta', status: 429, retryAfter: '0.2', times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await get('/v1.0/users/delta?$select=id', token);
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('0.2');
      expect(r.body.error).toMatchObject({
        code: 'TooManyRequests',
        message: 'Please retry again later.',
        innerError: { code: '429', status: '429', message: 'Please retry after' },
      });
    }
    expect((await get('/v1.0/users/delta?$select=id', token)).status).toBe(200);
  });

  it('410 Gone with a Location of an empty $deltatoken and code resyncRequired', async () => {
    const { deltaLink } = await walk('/v1.0/users/delta?$select=id', token);
    await graph.fault(t.domain, { route: 'delta', status: 410 });
    const r = await get(deltaLink, token);
    expect(r.status).toBe(410);
    expect(r.headers.get('location')).toBe(`${graph.graphUrl}/v1.0/users/delta?$deltatoken=`);
    expect(r.headers.get('retry-after')).toBeNull();
    expect(r.body.error.code).toBe('resyncRequired');
    const restart = await walk(r.headers.get('location')!, token);
    expect(restart.items).toEqual([expect.objectContaining({ id: user(1).id })]);
  });

  it('faults match their route and tenant, and apply before auth; token faults use the token error shape', async () => {
    await graph.fault(t.tenantId, { route: 'members', status: 503, retryAfter: '1' });
    await graph.fault('*', { route: 'users', status: 400, code: 'syncStateNotFound' });
    await graph.fault(t.tenantId, { route: 'token', status: 503 });

    expect((await get('/v1.0/users/delta?$select=id', token)).status).toBe(200);
    const users = await get('/v1.0/users?$top=1', undefined); // no token: '*' still matches
    expect(users.status).toBe(400);
    expect(users.body.error.code).toBe('syncStateNotFound');
    const members = await get('/v1.0/groups/whatever/members', token);
    expect(members.status).toBe(503);
    expect(members.headers.get('retry-after')).toBe('1');
    expect(members.body.error.code).toBe('serviceNotAvailable');

    const tok = await tokenRequest(t.domain, { grant_type: 'client_credentials', client_id: t.appId, client_secret: t.secret, scope: SCOPE });
    expect(tok.status).toBe(503);
    expect(tok.body).toMatchObject({ error: 'temporarily_unavailable', error_codes: [expect.any(Number)] });
    expect((await get('/v1.0/groups/whatever/members', token)).status).toBe(404);
  });
});

describe('group members', () => {
  let t: TestTenant;
  let token: string;
  beforeAll(async () => {
    t = await newTenant();
    token = await accessToken(t);
    await graph.upsertUsers(t.tenantId, [1, 2, 3, 4].map((n) => user(n)));
    for (const g of ['A', 'B', 'C']) await graph.addGroup(t.tenantId, { id: `group-${g}`, displayName: `Group ${g}` });
    await graph.addMember(t.tenantId, 'group-A', user(1).id);
    await graph.addMember(t.tenantId, 'group-A', 'group-B');
    await graph.addMember(t.tenantId, 'group-B', user(2).id);
    await graph.addMember(t.tenantId, 'group-B', 'group-C');
    await graph.addMember(t.tenantId, 'group-C', user(3).id);
    await graph.addMember(t.tenantId, 'group-C', user(1).id);
    await graph.addMember(t.tenantId, 'group-C', 'group-A'); // cycle
    await graph.addMember(t.tenantId, 'group-C', user(4).id);
    await graph.deleteUser(t.tenantId, user(4).id);
  });

  async function all(start: string) {
    const pages: Json[] = [];
    let next: string | undefined = start;
    while (next) {
      const r = await get(next, token);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      pages.push(r.body);
      next = r.body['@odata.nextLink'];
    }
    return { pages, items: pages.flatMap((p) => p.value as Json[]) };
  }

  it('members lists direct members only, users and groups, with @odata.type', async () => {
    const { pages, items } = await all('/v1.0/groups/group-A/members?$select=id,displayName,userPrincipalName');
    expect(pages).toHaveLength(1);
    expect(pages[0]!['@odata.context']).toMatch(/\/v1\.0\/\$metadata#directoryObjects/);
    expect(items).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: user(1).id, displayName: 'User 1', userPrincipalName: 'user1@example.com' },
      { '@odata.type': '#microsoft.graph.group', id: 'group-B', displayName: 'Group B' },
    ]);
  });

  it('transitiveMembers resolves nested groups (cycle-safe), pages by $top, skips deleted users', async () => {
    const { pages, items } = await all('/v1.0/groups/group-A/transitiveMembers?$top=2&$select=id');
    expect(pages.map((p) => p.value.length)).toEqual([2, 2, 1]);
    expect(pages[0]!['@odata.nextLink']).toMatch(/\/v1\.0\/groups\/group-A\/transitiveMembers\?\$skiptoken=/);
    expect(items.map((m) => `${m['@odata.type']} ${m.id}`).sort()).toEqual(
      [
        `#microsoft.graph.group group-B`,
        `#microsoft.graph.group group-C`,
        `#microsoft.graph.user ${user(1).id}`,
        `#microsoft.graph.user ${user(2).id}`,
        `#microsoft.graph.user ${user(3).id}`,
      ].sort(),
    );
  });

  it('default page size is memberPageSize; removeMember applies; unknown group → 404 Request_ResourceNotFound', async () => {
    const small = await startFakeGraph({ memberPageSize: 2, pageSize: 2 });
    try {
      const s = await newTenant({ on: small });
      const sToken = await accessToken(s, small);
      await small.upsertUsers(s.tenantId, [1, 2, 3, 4, 5].map((n) => user(n)));
      await small.addGroup(s.tenantId, { id: 'g', displayName: 'G' });
      for (const n of [1, 2, 3, 4, 5]) await small.addMember(s.tenantId, 'g', user(n).id);
      await small.removeMember(s.tenantId, 'g', user(5).id);
      const first = await get(`${small.graphUrl}/v1.0/groups/g/members`, sToken);
      expect(first.body.value).toHaveLength(2);
      const second = await get(first.body['@odata.nextLink'], sToken);
      expect(second.body.value).toHaveLength(2);
      expect(second.body['@odata.nextLink']).toBeUndefined();
      const delta = await get(`${small.graphUrl}/v1.0/users/delta`, sToken, { Prefer: 'odata.maxpagesize=50' });
      expect(delta.body.value).toHaveLength(2);
    } finally {
      await small.stop();
    }
    const missing = await get('/v1.0/groups/no-such-group/transitiveMembers', token);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('Request_ResourceNotFound');
  });
});

describe('request log and HTTP control', () => {
  it('logs every Graph and login request, not control calls', async () => {
    const t = await newTenant();
    const token = await accessToken(t);
    await graph.clearRequests();
    await get('/v1.0/users/delta?$select=id', token);
    await graph.upsertUser(t.tenantId, user(1));
    const log = await graph.requests();
    expect(log).toEqual([{ method: 'GET', path: '/v1.0/users/delta', search: '?$select=id', status: 200, at: expect.any(Number) }]);
  });

  it('fakeGraphControl drives a fake in the same way over HTTP', async () => {
    const other = await startFakeGraph();
    try {
      const remote = fakeGraphControl(other.url);
      const t = await newTenant({ on: remote });
      const token = await accessToken(t, other);
      await remote.upsertUsers(t.tenantId, [user(1), user(2)]);
      await remote.addGroup(t.domain, { id: 'g', displayName: 'G' });
      await remote.addMember(t.domain, 'g', user(2).id);
      await remote.deleteUser(t.tenantId, user(1).id, { permanent: true });
      const delta = await get(`${other.graphUrl}/v1.0/users/delta?$select=id`, token);
      expect(delta.body.value).toEqual([{ id: user(2).id }]);
      const members = await get(`${other.graphUrl}/v1.0/groups/g/members?$select=id`, token);
      expect(members.body.value).toEqual([{ '@odata.type': '#microsoft.graph.user', id: user(2).id }]);

      await remote.fault('*', { route: 'any', status: 504 });
      expect((await get(`${other.graphUrl}/v1.0/users?$top=1`, token)).status).toBe(504);
      const log = await remote.requests();
      expect(log.map((e) => `${e.status} ${e.path}`)).toEqual([
        `200 /${t.tenantId}/oauth2/v2.0/token`,
        '200 /v1.0/users/delta',
        '200 /v1.0/groups/g/members',
        '504 /v1.0/users',
      ]);
      await expect(remote.upsertUser('missing-tenant', user(3))).rejects.toThrow(/unknown tenant 'missing-tenant'/);

      await remote.clearRequests();
      expect(await remote.requests()).toEqual([]);
      await remote.reset();
      expect((await get(`${other.graphUrl}/v1.0/users?$top=1`, token)).status).toBe(401);
    } finally {
      await other.stop();
    }
  });
});

describe('scale', () => {
  it('100k users: bulk upsert and a full delta walk at the default page size', async () => {
    const t = await newTenant();
    const token = await accessToken(t);
    const users: FakeUser[] = Array.from({ length: 100_000 }, (_, n) => user(n));
    await graph.upsertUsers(t.tenantId, users);

    const full = await walk('/v1.0/users/delta?$select=id,displayName,mail', token);
    expect(full.pages).toHaveLength(500);
    expect(full.items).toHaveLength(100_000);
    expect(new Set(full.items.map((u) => u.id)).size).toBe(100_000);

    await graph.upsertUsers(t.tenantId, [user(42_000, { displayName: 'Changed' }), user(99_999, { mail: 'new@example.com' })]);
    const changes = await walk(full.deltaLink, token);
    expect(changes.items.map((u) => u.id).sort()).toEqual([user(42_000).id, user(99_999).id]);
  });
});
