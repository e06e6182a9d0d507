import { randomUUID } from 'node:crypto';
import type { DirectorySyncEvent } from '@boxyhq/saml-jackson';
import { and, asc, eq, ne, or, sql } from 'drizzle-orm';
import { applyBatchRetrying, ensureJobTitles, loadStored, type ApplyScope, type BatchRecord, type DirectorySource } from '@/lib/azure/apply';
import { arrayLiteral } from '@/lib/azure/bulk';
import { applyDeactivations, type Pending } from '@/lib/azure/run';
import type { Db, Tx } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import type { DirectoryContext, StoredDirectoryUser } from '@/lib/provisioning/directory';
import { mappedValues } from '@/lib/provisioning/fields';
import { emailDomain } from '@/lib/provisioning/normalize';
import { scimUserRecord } from '@/lib/provisioning/scim';
import { MAPPABLE_FIELDS, type AttributeMapping, type Lookups, type MappableField, type MappingRule, type PersonFields } from '@/lib/provisioning/types';
import { employeeDefaults, LOOKUP_TABLES } from '@/lib/users/provision';

// Jackson's directory-sync events → people, through the same decision core and the same
// write path as the Azure AD sync (lib/azure/apply.ts applyBatch). Each event decides one
// user (or each member of a renamed or deleted group) in its own transaction, under an
// advisory lock per directory user, so events for one user apply one at a time and in order.

export type ScimDirectoryRow = typeof s.scimDirectories.$inferSelect;

type UserData = { id: string; raw?: Record<string, unknown> };
type GroupData = { id: string; name: string };

/** Applies one Jackson event for this directory. `requestId` ties the events of one SCIM request together. */
export async function applyDirectoryEvent(db: Db, directory: ScimDirectoryRow, event: DirectorySyncEvent, requestId: string = randomUUID()): Promise<void> {
  const data = event.data as unknown as Record<string, unknown> | undefined;
  if (!data) return; // a membership change for a user Jackson does not know: nothing to decide
  switch (event.event) {
    case 'user.created':
    case 'user.updated': {
      const user = data as UserData;
      return queueUpsert(db, directory, { objectId: user.id, raw: user.raw ?? {}, requestId });
    }
    case 'user.deleted': {
      const user = data as UserData;
      return decideUsers(db, directory, requestId, [user.id], (stored) => ({ data: stored ? null : scimUserRecord(user.raw ?? {}), removed: true, groups: stored?.groups ?? [] }));
    }
    case 'group.created':
      await upsertGroup(db, directory, data as GroupData);
      return;
    case 'group.updated': {
      // The new name is recorded only after the members carrying the old one are re-decided, so
      // a retry after a failure among them still sees the rename (and finds those left).
      const group = data as GroupData;
      const before = await recordedName(db, directory, group.id);
      if (before !== null && before !== group.name) {
        const members = await usersWithGroup(db, directory, before);
        await decideUsers(db, directory, requestId, members, (stored) => ({ data: null, removed: stored?.removed ?? false, groups: replaced(stored?.groups ?? [], before, group.name) }));
      }
      await upsertGroup(db, directory, group);
      return;
    }
    case 'group.deleted': {
      // The group's row goes last, so a DELETE retried after a failure finds it and finishes (handler.ts).
      const group = data as GroupData;
      const name = (await recordedName(db, directory, group.id)) ?? group.name;
      const members = await usersWithGroup(db, directory, name);
      await decideUsers(db, directory, requestId, members, (stored) => ({ data: null, removed: stored?.removed ?? false, groups: replaced(stored?.groups ?? [], name, null) }));
      await db
        .delete(s.scimDirectoryGroups)
        .where(and(eq(s.scimDirectoryGroups.organizationId, directory.organizationId), eq(s.scimDirectoryGroups.directoryId, directory.id), eq(s.scimDirectoryGroups.groupId, group.id)));
      return;
    }
    case 'group.user_added':
    case 'group.user_removed': {
      const user = data as UserData & { group: GroupData };
      const added = event.event === 'group.user_added';
      // The recorded name: Jackson sends the group as it was before a rename in the same PATCH.
      const recorded = await recordedName(db, directory, user.group.id);
      if (recorded === null) await upsertGroup(db, directory, user.group);
      const group = recorded ?? user.group.name;
      return decideUsers(db, directory, requestId, [user.id], (stored) =>
        // Only users this directory pushed are its members (Jackson does not check the member id's directory).
        stored ? { data: null, removed: stored.removed ?? false, groups: replaced(stored.groups ?? [], group, added ? group : null) } : null,
      );
    }
  }
}

type StoredRow = StoredDirectoryUser & { removed?: boolean };
/** What to decide for a user given its stored copy: new data (null = the stored data), removed, groups. Null: skip. */
type Next = (stored: (StoredRow & { groups: string[] }) | null, objectId: string) => { data: ReturnType<typeof scimUserRecord> | null; removed: boolean; groups: string[] } | null;

function replaced(groups: readonly string[], name: string, next: string | null): string[] {
  const out = new Set(groups.filter((g) => g.toLowerCase() !== name.toLowerCase()));
  if (next !== null) out.add(next);
  return [...out].sort();
}

/** The group's name as we last recorded it (null: not recorded). */
export async function recordedName(db: Db, directory: ScimDirectoryRow, groupId: string): Promise<string | null> {
  const [row] = await db
    .select({ name: s.scimDirectoryGroups.name })
    .from(s.scimDirectoryGroups)
    .where(and(eq(s.scimDirectoryGroups.organizationId, directory.organizationId), eq(s.scimDirectoryGroups.directoryId, directory.id), eq(s.scimDirectoryGroups.groupId, groupId)));
  return row?.name ?? null;
}

/** Records the group's name. */
async function upsertGroup(db: Db, directory: ScimDirectoryRow, group: GroupData): Promise<void> {
  await db
    .insert(s.scimDirectoryGroups)
    .values({ directoryId: directory.id, groupId: group.id, organizationId: directory.organizationId, name: group.name })
    .onConflictDoUpdate({
      target: [s.scimDirectoryGroups.directoryId, s.scimDirectoryGroups.groupId],
      set: { name: group.name, updatedAt: new Date() },
      setWhere: eq(s.scimDirectoryGroups.organizationId, directory.organizationId),
    });
}

/**
 * Brings our copy of one group in line with Jackson's after a full member list or a rename
 * (PUT /Groups, PATCH `replace`): each user of this directory whose stored groups disagree with
 * Jackson's members and name is re-decided, then the name is recorded. Users already right are
 * not touched, so the IdP's retry after a failure re-decides exactly the users it left wrong,
 * and a request with nothing left to fix changes nothing. A name another group of the
 * directory also has is only ever added (the user may be in that one).
 */
export async function reconcileGroup(db: Db, directory: ScimDirectoryRow, group: GroupData, members: readonly string[], requestId: string): Promise<void> {
  const recorded = await recordedName(db, directory, group.id);
  const names = [...new Set([group.name, recorded ?? group.name].map((n) => n.toLowerCase()))];
  const [candidates, others] = await Promise.all([
    db
      .select({ objectId: s.scimDirectoryUsers.objectId, groups: s.scimDirectoryUsers.groups })
      .from(s.scimDirectoryUsers)
      .where(
        and(
          eq(s.scimDirectoryUsers.organizationId, directory.organizationId),
          eq(s.scimDirectoryUsers.directoryId, directory.id),
          or(
            sql`${s.scimDirectoryUsers.objectId} = any(${arrayLiteral([...members])}::text[])`,
            sql`exists (select 1 from unnest(${s.scimDirectoryUsers.groups}) g where lower(g) = any(${arrayLiteral(names)}::text[]))`,
          ),
        ),
      ),
    db
      .select({ name: sql<string>`lower(${s.scimDirectoryGroups.name})` })
      .from(s.scimDirectoryGroups)
      .where(and(eq(s.scimDirectoryGroups.organizationId, directory.organizationId), eq(s.scimDirectoryGroups.directoryId, directory.id), ne(s.scimDirectoryGroups.groupId, group.id), sql`lower(${s.scimDirectoryGroups.name}) = any(${arrayLiteral(names)}::text[])`)),
  ]);
  const member = new Set(members);
  const shared = new Set(others.map((o) => o.name));
  const wanted = (objectId: string, groups: readonly string[]) => {
    let out = [...groups];
    for (const name of [recorded, group.name]) if (name !== null && !shared.has(name.toLowerCase())) out = replaced(out, name, null);
    return member.has(objectId) ? replaced(out, group.name, group.name) : [...out].sort();
  };
  const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join('\n') === [...b].sort().join('\n');
  const wrong = candidates.filter((c) => !same(c.groups, wanted(c.objectId, c.groups))).map((c) => c.objectId);
  await decideUsers(db, directory, requestId, wrong, (stored, objectId) => {
    // Checked again under the user's lock: what another request changed meanwhile counts.
    if (!stored) return null;
    const groups = wanted(objectId, stored.groups);
    return same(stored.groups, groups) ? null : { data: null, removed: stored.removed ?? false, groups };
  });
  await upsertGroup(db, directory, group);
}

async function usersWithGroup(db: Db, directory: ScimDirectoryRow, name: string): Promise<string[]> {
  const rows = await db
    .select({ objectId: s.scimDirectoryUsers.objectId })
    .from(s.scimDirectoryUsers)
    .where(and(eq(s.scimDirectoryUsers.organizationId, directory.organizationId), eq(s.scimDirectoryUsers.directoryId, directory.id), sql`lower(${name}) = any(select lower(g) from unnest(${s.scimDirectoryUsers.groups}) g)`));
  return rows.map((r) => r.objectId);
}

/** Decides each user on its own: one transaction, one advisory lock, one write through applyBatch. */
async function decideUsers(db: Db, directory: ScimDirectoryRow, requestId: string, objectIds: string[], next: Next): Promise<void> {
  if (!objectIds.length) return;
  const ctx = await loadScimContext(db, directory);
  const source: DirectorySource = { kind: 'scim', label: directory.name, detail: { directoryId: directory.id, directory: directory.name } };
  for (const objectId of objectIds) {
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`scim:${directory.id}`}), hashtext(${objectId}))`);
      const stored = (await loadStoredRows(tx, directory, [objectId])).get(objectId) ?? null;
      const plan = next(stored, objectId);
      if (!plan) return;
      const mapped = plan.data ?? (stored ? { data: stored.data, domain: emailDomain(typeof stored.data.mail === 'string' ? stored.data.mail : null) } : null);
      if (!mapped) return;
      await ensureJobTitles(db, ctx, [mapped]);
      const record: BatchRecord = {
        objectId,
        data: mapped.data,
        removed: plan.removed,
        groups: plan.groups,
        previous: stored,
        domain: mapped.domain,
        extra: await extraFields(tx, ctx, directory, mapped.data),
      };
      const now = new Date();
      // Deactivations the guard holds: a person the directory updates again (reactivated) is taken off.
      const [guard] = await tx.select({ held: s.scimDirectories.heldDeactivations }).from(s.scimDirectories).where(and(eq(s.scimDirectories.organizationId, directory.organizationId), eq(s.scimDirectories.id, directory.id)));
      const held = new Map((guard?.held ?? []).map((h) => [h.personId, h]));
      const scope: ApplyScope = { conn: { id: directory.id, organizationId: directory.organizationId }, ctx, runId: requestId, source, now, generation: 0, held };
      const outcome = await applyBatchRetrying(tx, scope, [record], { storeData: plan.data !== null || plan.removed !== (stored?.removed ?? false) });
      await guardedDeactivations(tx, directory, requestId, outcome.held, now, source);
    });
  }
}

/**
 * Micro-batching of user creates and updates, per directory: while one batch is being
 * written, the events that arrive wait, and then go together — one decision context, one
 * transaction, one applyBatch — instead of one each. A lone event goes at once (no timer).
 * Each request still answers only after its user's batch has committed. A user appears at
 * most once per batch (a second event for it starts the next batch), so a user's events
 * apply in the order they came. A batch that fails is retried one user at a time, so only
 * the user whose apply fails gets the error (and the IdP's retry converges: handler.ts).
 */
type Upsert = { objectId: string; raw: Record<string, unknown>; requestId: string };
type Waiting = Upsert & { directory: ScimDirectoryRow; done: (err?: unknown) => void };
type UpsertQueue = { waiting: Waiting[]; running: number; busy: Set<string> };
const MAX_BATCH = 500;
/** Batches per directory at once. Two did not beat one on the 2-core bench machine (they only split the batches); the pump allows more. */
const IN_FLIGHT = 1;
const upsertQueues = new WeakMap<Db, Map<string, UpsertQueue>>();

function queueUpsert(db: Db, directory: ScimDirectoryRow, upsert: Upsert): Promise<void> {
  let perDb = upsertQueues.get(db);
  if (!perDb) upsertQueues.set(db, (perDb = new Map()));
  let queue = perDb.get(directory.id);
  if (!queue) perDb.set(directory.id, (queue = { waiting: [], running: 0, busy: new Set() }));
  const q = queue;
  return new Promise<void>((resolve, reject) => {
    q.waiting.push({ ...upsert, directory, done: (err) => (err === undefined ? resolve() : reject(err)) });
    pumpUpserts(db, q);
  });
}

/** Starts batches while fewer than IN_FLIGHT run: the waiting events in order, each user at most once and never while a batch holds it. */
function pumpUpserts(db: Db, queue: UpsertQueue) {
  while (queue.running < IN_FLIGHT && queue.waiting.length) {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    const taken = new Set<string>();
    for (const w of queue.waiting) {
      // A user's later event stays behind its earlier one (taken), and behind a batch that holds the user (busy).
      if (batch.length < MAX_BATCH && !taken.has(w.objectId) && !queue.busy.has(w.objectId)) batch.push(w);
      else rest.push(w);
      taken.add(w.objectId);
    }
    if (!batch.length) return;
    queue.waiting = rest;
    queue.running++;
    for (const w of batch) queue.busy.add(w.objectId);
    void runUpserts(db, batch).finally(() => {
      queue.running--;
      for (const w of batch) queue.busy.delete(w.objectId);
      pumpUpserts(db, queue);
    });
  }
}

async function runUpserts(db: Db, batch: Waiting[]) {
  try {
    await decideUpserts(db, batch[batch.length - 1]!.directory, batch);
    for (const w of batch) w.done();
  } catch (err) {
    if (batch.length === 1) return batch[0]!.done(err);
    for (const w of batch) {
      try {
        await decideUpserts(db, w.directory, [w]);
        w.done();
      } catch (one) {
        w.done(one);
      }
    }
  }
}

/**
 * Creates and updates of distinct users of one directory, decided and written together. A user
 * whose manager (the enterprise extension's id) is another user of the same batch not yet
 * written goes in a later round of the same transaction, so the manager is linked at once.
 */
async function decideUpserts(db: Db, directory: ScimDirectoryRow, upserts: Upsert[]): Promise<void> {
  const source: DirectorySource = { kind: 'scim', label: directory.name, detail: { directoryId: directory.id, directory: directory.name } };
  // One request: its own id ties its events together; a batch of several gets one id of its own.
  const runId = upserts.length === 1 ? upserts[0]!.requestId : randomUUID();
  const mapped = upserts.map((u) => scimUserRecord(u.raw));
  const ids = upserts.map((u) => u.objectId);
  await db.transaction(async (tx) => {
    // The same advisory lock per directory user as decideUsers, taken in one order so two batches
    // queue instead of crossing. The reads after it, the decision context among them, go out
    // together on the transaction's connection: prepared statements, because postgres.js
    // pipelines only those (an unprepared one waits for its parameter types first; see
    // lib/users/provision.ts loadContext).
    const [, stored, [guard], ctx] = await Promise.all([
      tx
        .select({ locked: sql<number>`count(pg_advisory_xact_lock(hashtext(${`scim:${directory.id}`}), hashtext(t.id)))` })
        .from(sql`(select id from unnest(${arrayLiteral([...ids].sort())}::text[]) as id order by id) t`)
        .prepare('scim_batch_lock')
        .execute(),
      loadStoredRows(tx, directory, ids),
      tx
        .select({ held: s.scimDirectories.heldDeactivations })
        .from(s.scimDirectories)
        .where(and(eq(s.scimDirectories.organizationId, directory.organizationId), eq(s.scimDirectories.id, directory.id)))
        .prepare('scim_held')
        .execute(),
      loadScimContext(tx, directory),
    ]);
    await ensureJobTitles(db, ctx, mapped);
    const now = new Date();
    const held = new Map((guard?.held ?? []).map((h) => [h.personId, h]));
    const scope: ApplyScope = { conn: { id: directory.id, organizationId: directory.organizationId }, ctx, runId, source, now, generation: 0, held };
    let pending = [...upserts.keys()];
    while (pending.length) {
      const waiting = new Set(pending.map((i) => ids[i]!));
      const managedInBatch = (i: number) => {
        const manager = mapped[i]!.data.manager;
        return typeof manager === 'string' && manager !== ids[i] && waiting.has(manager);
      };
      // A cycle of managers cannot wait for itself: then the rest goes as it is.
      let round = pending.filter((i) => !managedInBatch(i));
      if (!round.length) round = pending;
      const records: BatchRecord[] = [];
      for (const i of round) {
        const previous = stored.get(ids[i]!) ?? null;
        const m = mapped[i]!;
        records.push({ objectId: ids[i]!, data: m.data, removed: false, groups: previous?.groups ?? [], previous, domain: m.domain, extra: await extraFields(tx, ctx, directory, m.data) });
      }
      const outcome = await applyBatchRetrying(tx, scope, records, { storeData: true });
      await guardedDeactivations(tx, directory, runId, outcome.held, now, source);
      pending = pending.filter((i) => !round.includes(i));
    }
  });
}

const GUARD_WINDOW = sql`interval '10 minutes'`;

/**
 * The mass-deactivation guard for pushes: deactivations of the last 10 minutes (with these)
 * above the directory's share of its active people, and at least its minimum, are held for an
 * admin to confirm or discard (Auth & Provision › Directory Sync). While some are held, every
 * new one waits with them. Each held one is a `sync_skipped` event (`deactivation_held`).
 */
async function guardedDeactivations(tx: Tx, directory: ScimDirectoryRow, requestId: string, decided: Pending[], now: Date, source: DirectorySource) {
  if (!decided.length) return;
  const [row] = await tx
    .select({ held: s.scimDirectories.heldDeactivations, percent: s.scimDirectories.guardPercent, minimum: s.scimDirectories.guardMinimum })
    .from(s.scimDirectories)
    .where(and(eq(s.scimDirectories.organizationId, directory.organizationId), eq(s.scimDirectories.id, directory.id)))
    .for('update');
  if (!row) return;
  const cancelled = new Set(decided.filter((p) => p.cancel).map((p) => p.personId));
  let held = row.held.filter((h) => !cancelled.has(h.personId));
  const pending = decided.filter((p) => !p.cancel && !held.some((h) => h.personId === p.personId));
  let hold = held.length > 0 && pending.length > 0;
  if (pending.length && !hold) {
    const [{ recent, active }] = (await tx.execute(sql`
      select (select count(*)::int from ${s.provisioningEvents}
               where organization_id = ${directory.organizationId} and type = 'person_deactivated' and source = 'scim'
                 and detail->>'directoryId' = ${directory.id} and created_at > now() - ${GUARD_WINDOW}) as recent,
             (select count(*)::int from ${s.scimDirectoryUsers} u join ${s.people} p on p.id = u.person_id
               where u.directory_id = ${directory.id} and u.organization_id = ${directory.organizationId} and p.status = 'active') as active`)) as unknown as [{ recent: number; active: number }];
    const total = recent + pending.length;
    hold = total >= row.minimum && total * 100 > row.percent * (active + recent);
  }
  if (hold) {
    held = [...held, ...pending.map((p) => ({ personId: p.personId, objectId: p.objectId, reason: p.reason, detail: p.detail }))];
    await tx.insert(s.provisioningEvents).values(
      pending.map((p) => ({
        organizationId: directory.organizationId,
        type: 'sync_skipped' as const,
        reasonCode: 'deactivation_held',
        source: 'scim',
        personId: p.personId,
        detail: { ...source.detail, runId: requestId, objectId: p.objectId, detail: `Held by the mass-deactivation guard (${p.reason}); an admin confirms or discards it on Auth & Provision.` },
      })),
    );
  } else {
    await applyDeactivations(tx, directory, requestId, pending, now, { kind: 'scim', detail: source.detail });
  }
  if (hold || cancelled.size) {
    await tx.update(s.scimDirectories).set({ heldDeactivations: held }).where(and(eq(s.scimDirectories.organizationId, directory.organizationId), eq(s.scimDirectories.id, directory.id)));
  }
}

/** An admin's answer to held deactivations: apply them all, or drop them. Null: no such directory here. */
export async function settleHeldDeactivations(db: Db, organizationId: string, directoryId: string, confirm: boolean): Promise<number | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ held: s.scimDirectories.heldDeactivations, name: s.scimDirectories.name })
      .from(s.scimDirectories)
      .where(and(eq(s.scimDirectories.organizationId, organizationId), eq(s.scimDirectories.id, directoryId)))
      .for('update');
    if (!row) return null;
    const done = confirm ? await applyDeactivations(tx, { organizationId }, 'admin-confirmed', row.held, new Date(), { kind: 'scim', detail: { directoryId, directory: row.name } }) : 0;
    await tx.update(s.scimDirectories).set({ heldDeactivations: [] }).where(and(eq(s.scimDirectories.organizationId, organizationId), eq(s.scimDirectories.id, directoryId)));
    return done;
  });
}

async function loadStoredRows(tx: Tx, directory: ScimDirectoryRow, objectIds: string[]) {
  const [stored, removed] = await Promise.all([
    loadStored(tx, directory.id, objectIds, 'scim'),
    tx
      .select({ objectId: s.scimDirectoryUsers.objectId, removed: s.scimDirectoryUsers.removed })
      .from(s.scimDirectoryUsers)
      .where(and(eq(s.scimDirectoryUsers.organizationId, directory.organizationId), eq(s.scimDirectoryUsers.directoryId, directory.id), sql`${s.scimDirectoryUsers.objectId} = any(${arrayLiteral(objectIds)}::text[])`))
      .prepare('scim_removed')
      .execute(),
  ]);
  const out = new Map<string, StoredRow & { groups: string[] }>();
  for (const r of removed) {
    const row = stored.get(r.objectId);
    if (row) out.set(r.objectId, { ...row, groups: [...(row.groups ?? [])], removed: r.removed });
  }
  return out;
}

/**
 * Department and Manager from the enterprise extension (by name, and by the manager's SCIM
 * id as this directory pushed them), then the organization's attribute mappings over the
 * SCIM attributes — create-only mappings only on a create, like a first SSO login.
 */
async function extraFields(tx: Tx, ctx: ScimContext, directory: ScimDirectoryRow, data: Record<string, unknown>): Promise<{ create: Partial<PersonFields>; update: Partial<PersonFields> }> {
  const base: Partial<PersonFields> = {};
  if (typeof data.department === 'string') {
    const id = ctx.lookups.departments?.[data.department.toLowerCase()];
    if (id) base.departmentId = id;
  }
  if (typeof data.manager === 'string') {
    const [m] = await tx
      .select({ personId: s.personIdentities.personId })
      .from(s.personIdentities)
      .where(and(eq(s.personIdentities.organizationId, directory.organizationId), eq(s.personIdentities.source, 'scim'), eq(s.personIdentities.scope, directory.id), eq(s.personIdentities.externalId, data.manager)));
    if (m) base.managerId = m.personId;
  }
  const attributes = (data.attributes ?? {}) as Record<string, unknown>;
  const create = mappedValues(ctx.mappings, attributes, ctx.lookups, 'create').values;
  const update = mappedValues(ctx.mappings, attributes, ctx.lookups, 'login').values;
  return { create: { ...base, ...create }, update: { ...base, ...update } };
}

type ScimContext = DirectoryContext & { mappings: AttributeMapping[]; lookups: Lookups };

/**
 * The decision context of a SCIM directory. Mapping Rules are the organization's SSO rules
 * (domain + group name): the IdP that pushes people over SCIM is the one they sign in
 * through, and each login re-decides the role by the SSO rules — a second rule set would
 * make the two disagree and the role flip on every login and every push.
 */
async function loadScimContext(db: Db | Tx, directory: ScimDirectoryRow): Promise<ScimContext> {
  const organizationId = directory.organizationId;
  const [[org], rules, titles, mappingRows, departments] = await Promise.all([
    db
      .select({ rootPersonId: s.organizations.rootPersonId, settings: s.provisioningSettings })
      .from(s.organizations)
      .leftJoin(s.provisioningSettings, eq(s.provisioningSettings.organizationId, s.organizations.id))
      .where(eq(s.organizations.id, organizationId))
      .prepare('scim_ctx_org')
      .execute(),
    db
      .select()
      .from(s.mappingRules)
      .where(and(eq(s.mappingRules.organizationId, organizationId), eq(s.mappingRules.kind, 'sso')))
      .orderBy(asc(s.mappingRules.position), asc(s.mappingRules.createdAt))
      .prepare('scim_ctx_rules')
      .execute(),
    db.select({ id: s.jobTitles.id, name: s.jobTitles.name }).from(s.jobTitles).where(eq(s.jobTitles.organizationId, organizationId)).prepare('scim_ctx_titles').execute(),
    db.select().from(s.attributeMappings).where(eq(s.attributeMappings.organizationId, organizationId)).prepare('scim_ctx_mappings').execute(),
    db.select({ id: s.departments.id, name: s.departments.name }).from(s.departments).where(eq(s.departments.organizationId, organizationId)).prepare('scim_ctx_departments').execute(),
  ]);
  const mappings: AttributeMapping[] = mappingRows
    .filter((m) => Object.hasOwn(MAPPABLE_FIELDS, m.personField))
    .map((m) => ({ attributeName: m.attributeName, personField: m.personField as MappableField, defaultValue: m.defaultValue, applyOn: m.applyOn }));
  const lookups: Lookups = { departments: Object.fromEntries(departments.map((d) => [d.name.toLowerCase(), d.id])) };
  for (const lookup of new Set(mappings.map((m) => MAPPABLE_FIELDS[m.personField]).filter((l) => l !== null && l !== 'departments'))) {
    const table = LOOKUP_TABLES[lookup!];
    const rows = await db.select({ id: table.id, name: table.name }).from(table).where(eq(table.organizationId, organizationId));
    lookups[lookup!] = Object.fromEntries(rows.map((r) => [r.name.toLowerCase(), r.id]));
  }
  const st = org?.settings;
  return {
    source: 'scim',
    organizationId,
    // The identity links' scope: SCIM user ids are unique within their directory only.
    tenantId: directory.id,
    rootPersonId: org?.rootPersonId ?? null,
    emailSource: 'mail',
    defaultPhoneType: st?.defaultPhoneType ?? 'office',
    defaults: employeeDefaults(st),
    rules: rules as MappingRule[],
    jobTitles: Object.fromEntries(titles.map((t) => [t.name.toLowerCase(), t.id])),
    mappings,
    lookups,
  };
}

