import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { DirectorySyncEvent } from '@boxyhq/saml-jackson';
import { and, eq, lt, or, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { getJackson } from '@/lib/sso/jackson';
import { SCIM_PRODUCT, SCIM_TENANT, tokenMatches } from './directories';
import { applyDirectoryEvent, reconcileGroup, recordedName, type ScimDirectoryRow } from './events';
import { parseBody, parseFilter, parsePaging, scimError, userMatches, type PatchOp, type Resource, type ScimResponse, type UserMatch } from './request';

// One SCIM request, as the route handler (app/api/scim/v2.0/[directoryId]/[...path]) and the
// integration tests both call it: our checks (directory, token, body), then Jackson's
// handler, whose events are applied to people before the IdP gets its answer.

export type ScimRequest = {
  method: string;
  directoryId: string;
  /** The path after the directory id: ['Users'], ['Users', id], ['Groups', id]… */
  path: string[];
  query: URLSearchParams;
  body: string | null;
  authorization: string | null;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESOURCES: Record<string, Resource> = { users: 'Users', groups: 'Groups' };

export async function handleScimRequest(db: Db, req: ScimRequest): Promise<ScimResponse> {
  const method = req.method.toUpperCase();
  if (!UUID.test(req.directoryId)) return scimError(404, 'No such directory.');
  const [directory] = await db.select().from(s.scimDirectories).where(eq(s.scimDirectories.id, req.directoryId.toLowerCase())).prepare('scim_directory').execute();
  if (!directory) return scimError(404, 'No such directory.');

  const token = /^Bearer\s+(\S+)\s*$/i.exec(req.authorization ?? '')?.[1] ?? '';
  if (!token || !tokenMatches(token, directory.tokenHash)) {
    await logRefusal(db, directory, method, req.path);
    return scimError(401, 'The bearer token is wrong or was rotated.');
  }

  const resource = RESOURCES[(req.path[0] ?? '').toLowerCase()];
  if (!resource || req.path.length > 2) return scimError(404, `Only /Users and /Groups are served here.`);
  const resourceId = req.path[1];
  if (resourceId !== undefined && (resourceId.length === 0 || resourceId.length > 200)) return scimError(404, `${resource} not found.`);
  if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) return scimError(405, `${method} is not supported.`);
  if ((method === 'POST') !== (resourceId === undefined) && method !== 'GET') return scimError(405, `${method} ${resourceId ? `on one of the ${resource}` : `on ${resource}`} is not supported.`);

  let body: Record<string, unknown> | undefined;
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    const parsed = parseBody(resource, method, req.body ?? '');
    if (!parsed.ok) return parsed.error;
    body = parsed.body;
  }
  const query: { filter?: string; startIndex?: number; count?: number } = {};
  let match: UserMatch | undefined;
  if (method === 'GET' && resourceId === undefined) {
    const filter = parseFilter(resource, req.query.get('filter'));
    if (!filter.ok) return filter.error;
    const paging = parsePaging(req.query);
    if (!paging.ok) return paging.error;
    Object.assign(query, { filter: filter.filter, startIndex: paging.startIndex, count: paging.count });
    match = filter.match;
  }

  const jackson = await getJackson();
  const dsync = jackson.directorySyncController;
  if (match) {
    const result = await listMatching(db, dsync, directory, match, query.startIndex!, query.count!);
    await touch(db, directory.id);
    return result;
  }
  // Jackson finds a user or group by id alone; make sure it is this directory's.
  if (resourceId !== undefined && !(await belongs(db, dsync, directory, resource, resourceId))) {
    // A DELETE whose first try Jackson stored but we did not apply: the retry finds the user gone from Jackson; finish it.
    if (resource === 'Users' && method === 'DELETE' && (await finishDelete(db, directory, resourceId))) return { status: 204, body: null };
    if (resource === 'Groups' && method === 'DELETE' && (await finishGroupDelete(db, dsync, directory, resourceId))) return { status: 204, body: null };
    return scimError(404, `${resource.slice(0, -1)} not found.`);
  }

  const secret = await jacksonSecret(directory.id);
  if (!secret) return scimError(404, 'No such directory.');
  const key = `${directory.id}:${resource}:${resourceId ?? String(body?.userName ?? body?.displayName ?? '').toLowerCase()}`;
  const call = (m: string, id: string | undefined, b: Record<string, unknown> | undefined) =>
    // One callback function for every request: Jackson keeps it on a shared object.
    dsync.requests.handle({ method: m, body: b, directoryId: directory.id, resourceType: resource.toLowerCase(), resourceId: id, apiSecret: secret, query }, onEvent);
  const requestId = randomUUID();
  const result = await serialized(key, () =>
    inRequest.run({ db, directory, requestId }, async () => {
      // A full member list or a rename (PUT, PATCH replace) is reconciled with Jackson's group after it answers.
      const reconcile = resource === 'Groups' && resourceId !== undefined && (method === 'PUT' || (method === 'PATCH' && (body!.Operations as PatchOp[]).some((op) => op.op === 'replace')));
      // Jackson applies member add/remove only: a full member list (PUT, or PATCH replace) becomes those.
      if (resource === 'Groups' && resourceId !== undefined && method === 'PATCH') body = { ...body, Operations: await expandMemberReplace(dsync, resourceId, body!.Operations as PatchOp[]) };
      const out = await call(method, resourceId, body);
      // A create Jackson refuses as a duplicate may be the IdP's retry of one it stored but we did not apply.
      if (resource === 'Users' && method === 'POST' && out.status === 409) {
        await reapplyStored(db, dsync, directory, body!);
        return { status: 409, data: scimError(409, 'A user with this userName already exists in this directory.', 'uniqueness').body };
      }
      if (resource === 'Groups' && method === 'POST' && out.status === 409) {
        await reapplyStoredGroup(db, dsync, directory, String(body!.displayName), requestId);
        return { status: 409, data: scimError(409, 'A group with this displayName already exists in this directory.', 'uniqueness').body };
      }
      if (resource === 'Groups' && resourceId !== undefined && method === 'PUT' && Array.isArray(body?.members) && out.status === 200) {
        const ops = await memberOps(dsync, resourceId, (body.members as { value: string }[]).map((m) => m.value));
        if (ops.length) await call('PATCH', resourceId, { Operations: ops });
      }
      if (reconcile && out.status === 200) await reconcileWithJackson(db, dsync, directory, resourceId!, requestId);
      // Jackson creates a group without the members its body lists (Okta sends them): add them as a PATCH would.
      const members = resource === 'Groups' && method === 'POST' && out.status === 201 ? (body?.members as { value: string }[] | undefined) : undefined;
      if (members?.length) {
        const id = (out.data as { id: string }).id;
        await call('PATCH', id, { Operations: [{ op: 'add', path: 'members', value: members.map((m) => ({ value: m.value })) }] });
        return { status: out.status, data: { ...out.data, members: members.map((m) => ({ value: m.value })) } };
      }
      return out;
    }),
  );
  await touch(db, directory.id);
  // RFC 7644 §3.6: a delete answers 204 No Content.
  if (method === 'DELETE' && result.status === 200) return { status: 204, body: null };
  return { status: result.status, body: result.data ?? {} };
}

/**
 * The users a filter Jackson cannot serve names (`id`, `externalId`, `emails[type eq "work"].value`),
 * as a SCIM ListResponse. By id: one look-up; otherwise this directory's users in Jackson's store,
 * read a page of 1000 at a time and matched here.
 */
async function listMatching(db: Db, dsync: Dsync, directory: ScimDirectoryRow, match: UserMatch, startIndex: number, count: number): Promise<ScimResponse> {
  const users = dsync.users.setTenantAndProduct(SCIM_TENANT, SCIM_PRODUCT);
  const found: Record<string, unknown>[] = [];
  if (match.attribute === 'id') {
    if (match.value.length <= 200 && (await belongs(db, dsync, directory, 'Users', match.value))) {
      const { data } = await users.get(match.value);
      if (data) found.push(data.raw as Record<string, unknown>);
    }
  } else {
    const PAGE = 1000;
    for (let offset = 0; ; offset += PAGE) {
      const { data } = await users.getAll({ directoryId: directory.id, pageOffset: offset, pageLimit: PAGE });
      for (const u of data ?? []) if (userMatches((u.raw ?? {}) as Record<string, unknown>, match)) found.push(u.raw as Record<string, unknown>);
      if (!data || data.length < PAGE) break;
    }
  }
  const page = found.slice(startIndex - 1, startIndex - 1 + count);
  return { status: 200, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: found.length, startIndex, itemsPerPage: page.length, Resources: page } };
}

/**
 * Applies Jackson's stored copy of the user a refused create names (Jackson looks duplicates
 * up by the first email, else userName, within the directory), so a create whose first try
 * Jackson stored but whose apply failed (answered 500) converges on the IdP's retry. A user
 * already applied changes nothing (the decision is idempotent).
 */
async function reapplyStored(db: Db, dsync: Dsync, directory: ScimDirectoryRow, body: Record<string, unknown>): Promise<void> {
  const emails = body.emails as { value?: unknown }[] | undefined;
  const key = Array.isArray(emails) && emails.length > 0 ? emails[0]!.value : body.userName;
  if (typeof key !== 'string') return;
  const { data } = await dsync.users.setTenantAndProduct(SCIM_TENANT, SCIM_PRODUCT).search(key, directory.id);
  for (const user of data ?? []) {
    if ((user as { directoryId?: string }).directoryId !== directory.id) continue;
    await applyDirectoryEvent(db, directory, { event: 'user.updated', directory_id: directory.id, tenant: SCIM_TENANT, product: SCIM_PRODUCT, data: { ...user, raw: user.raw } } as unknown as DirectorySyncEvent);
  }
}

/** A DELETE of a user Jackson no longer has but we still hold as pushed and not removed: deactivated now (true); else false (404). */
async function finishDelete(db: Db, directory: ScimDirectoryRow, objectId: string): Promise<boolean> {
  const jackson = (await (await getJackson()).directorySyncController.users.setTenantAndProduct(SCIM_TENANT, SCIM_PRODUCT).get(objectId)).data;
  if (jackson) return false;
  const [ours] = await db
    .select({ removed: s.scimDirectoryUsers.removed })
    .from(s.scimDirectoryUsers)
    .where(and(eq(s.scimDirectoryUsers.organizationId, directory.organizationId), eq(s.scimDirectoryUsers.directoryId, directory.id), eq(s.scimDirectoryUsers.objectId, objectId)));
  if (!ours || ours.removed) return false;
  await applyDirectoryEvent(db, directory, { event: 'user.deleted', directory_id: directory.id, tenant: SCIM_TENANT, product: SCIM_PRODUCT, data: { id: objectId, raw: {} } } as unknown as DirectorySyncEvent);
  return true;
}

/**
 * Our copy of a group made to match Jackson's members and name (events.ts reconcileGroup): a full
 * member list becomes add/remove against Jackson's members, which a retry finds already equal,
 * so the users a failed first try left wrong are found here instead.
 */
async function reconcileWithJackson(db: Db, dsync: Dsync, directory: ScimDirectoryRow, groupId: string, requestId: string): Promise<void> {
  const groups = dsync.groups.setTenantAndProduct(SCIM_TENANT, SCIM_PRODUCT);
  const [{ data: group }, { data: members }] = await Promise.all([groups.get(groupId), groups.getGroupMembers({ groupId })]);
  if (!group) return;
  await reconcileGroup(db, directory, { id: group.id, name: group.name }, (members ?? []).map((m) => m.user_id), requestId);
}

/**
 * A group create Jackson refuses as a duplicate in this directory may be the IdP's retry of one
 * Jackson stored but we did not finish (answered 500): Jackson's stored copy is applied — the
 * group recorded (else its id would be 404 here) and its members reconciled — as for users.
 */
async function reapplyStoredGroup(db: Db, dsync: Dsync, directory: ScimDirectoryRow, displayName: string, requestId: string): Promise<void> {
  const { data } = await dsync.groups.setTenantAndProduct(SCIM_TENANT, SCIM_PRODUCT).search(displayName, directory.id);
  for (const group of data ?? []) await reconcileWithJackson(db, dsync, directory, group.id, requestId);
}

/** A DELETE of a group Jackson no longer has but we still record: its members re-decided and the record dropped now (true); else false (404). */
async function finishGroupDelete(db: Db, dsync: Dsync, directory: ScimDirectoryRow, groupId: string): Promise<boolean> {
  if ((await dsync.groups.setTenantAndProduct(SCIM_TENANT, SCIM_PRODUCT).get(groupId)).data) return false;
  const name = await recordedName(db, directory, groupId);
  if (name === null) return false;
  await applyDirectoryEvent(db, directory, { event: 'group.deleted', directory_id: directory.id, tenant: SCIM_TENANT, product: SCIM_PRODUCT, data: { id: groupId, name, raw: {} } } as unknown as DirectorySyncEvent);
  return true;
}

/** The request Jackson's callback runs in (it is awaited inside handle(), so the context follows). */
const inRequest = new AsyncLocalStorage<{ db: Db; directory: ScimDirectoryRow; requestId: string }>();

/** Jackson's event callback: applied to people before the IdP gets its answer. */
async function onEvent(event: DirectorySyncEvent): Promise<void> {
  const ctx = inRequest.getStore();
  if (!ctx || event.directory_id !== ctx.directory.id) throw new Error(`directory-sync event outside its request (directory ${event.directory_id})`);
  await applyDirectoryEvent(ctx.db, ctx.directory, event, ctx.requestId);
}

type Dsync = Awaited<ReturnType<typeof getJackson>>['directorySyncController'];

/** The add and remove operations that turn the group's members into `wanted`. */
async function memberOps(dsync: Dsync, groupId: string, wanted: string[]): Promise<PatchOp[]> {
  const { data } = await dsync.groups.setTenantAndProduct(SCIM_TENANT, SCIM_PRODUCT).getGroupMembers({ groupId });
  const current = new Set((data ?? []).map((m) => m.user_id));
  const want = new Set(wanted);
  const add = [...want].filter((id) => !current.has(id));
  const remove = [...current].filter((id) => !want.has(id));
  const ops: PatchOp[] = [];
  if (add.length) ops.push({ op: 'add', path: 'members', value: add.map((value) => ({ value })) });
  if (remove.length) ops.push({ op: 'remove', path: 'members', value: remove.map((value) => ({ value })) });
  return ops;
}

/** `replace` of members (with a path, or a value carrying `members`) as add/remove against the current members. */
async function expandMemberReplace(dsync: Dsync, groupId: string, ops: PatchOp[]): Promise<PatchOp[]> {
  const out: PatchOp[] = [];
  for (const op of ops) {
    const value = op.value as Record<string, unknown> | unknown[] | undefined;
    if (op.op === 'replace' && op.path?.toLowerCase() === 'members' && Array.isArray(value)) {
      out.push(...(await memberOps(dsync, groupId, memberIds(value))));
    } else if (op.op === 'replace' && !op.path && value && !Array.isArray(value) && Array.isArray(value.members)) {
      const { members, ...rest } = value;
      if (Object.keys(rest).length) out.push({ op: 'replace', value: rest });
      out.push(...(await memberOps(dsync, groupId, memberIds(members as unknown[]))));
    } else out.push(op);
  }
  return out;
}

function memberIds(list: unknown[]): string[] {
  return list.map((m) => (typeof m === 'object' && m !== null ? (m as { value?: unknown }).value : undefined)).filter((v): v is string => typeof v === 'string');
}

/**
 * Whether the user or group is this directory's. Jackson stores a user's directory id but
 * drops it on a PUT, and never stores a group's, so our own copy (written from its events)
 * answers for groups and for users Jackson no longer labels.
 */
async function belongs(db: Db, dsync: Dsync, directory: ScimDirectoryRow, resource: Resource, id: string): Promise<boolean> {
  const table = resource === 'Users' ? s.scimDirectoryUsers : s.scimDirectoryGroups;
  const key = resource === 'Users' ? s.scimDirectoryUsers.objectId : s.scimDirectoryGroups.groupId;
  const store = resource === 'Users' ? dsync.users : dsync.groups;
  const [found, ours] = await Promise.all([
    store.setTenantAndProduct(SCIM_TENANT, SCIM_PRODUCT).get(id),
    db.select({ id: key }).from(table).where(and(eq(table.organizationId, directory.organizationId), eq(table.directoryId, directory.id), eq(key, id))),
  ]);
  if (!found.data) return false;
  const labelled = (found.data as { directoryId?: string }).directoryId;
  return labelled === directory.id || (labelled === undefined && ours.length > 0);
}

const secrets = new Map<string, string>();
async function jacksonSecret(directoryId: string): Promise<string | null> {
  const cached = secrets.get(directoryId);
  if (cached) return cached;
  const { data } = await (await getJackson()).directorySyncController.directories.get(directoryId);
  if (!data?.scim.secret) return null;
  secrets.set(directoryId, data.scim.secret);
  return data.scim.secret;
}

/** Requests for one user or group run one at a time in this process, in the order they came. */
const queues = new Map<string, Promise<unknown>>();
async function serialized<T>(key: string, run: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  const mine = before.catch(() => {}).then(run);
  queues.set(key, mine);
  try {
    return await mine;
  } finally {
    if (queues.get(key) === mine) queues.delete(key);
  }
}

/** Last request, written at most every few seconds per directory (this process skips the statement in between). */
const touched = new Map<string, number>();
async function touch(db: Db, directoryId: string) {
  const now = Date.now();
  if (now - (touched.get(directoryId) ?? 0) < 5_000) return;
  touched.set(directoryId, now);
  await db
    .update(s.scimDirectories)
    .set({ lastRequestAt: new Date() })
    .where(and(eq(s.scimDirectories.id, directoryId), or(isNull(s.scimDirectories.lastRequestAt), lt(s.scimDirectories.lastRequestAt, sql`now() - interval '5 seconds'`))));
}

/** A refused token is a provisioning event (at most one a minute per directory, so a misconfigured IdP cannot flood the log). */
async function logRefusal(db: Db, directory: ScimDirectoryRow, method: string, path: string[]) {
  await db.execute(sql`
    insert into ${s.provisioningEvents} (organization_id, type, reason_code, source, detail)
    select ${directory.organizationId}, 'scim_request_refused', 'bad_token', 'scim',
           ${JSON.stringify({ directoryId: directory.id, directory: directory.name, request: `${method} /${path.join('/')}`, detail: 'Wrong, missing or rotated bearer token: answered 401.' })}::jsonb
    where not exists (
      select 1 from ${s.provisioningEvents}
       where organization_id = ${directory.organizationId} and type = 'scim_request_refused'
         and detail->>'directoryId' = ${directory.id} and created_at > now() - interval '1 minute')`);
  console.warn(`[scim] 401 for directory ${directory.id}: ${method} /${path.join('/')}`);
}
