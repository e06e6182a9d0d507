import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import {
  decideDirectoryUser,
  directoryEmail,
  OBJECT_FIELDS,
  type AppliedFields,
  type DirectoryContext,
  type DirectoryPerson,
  type DirectoryRecord,
  type DirectoryRecordFields,
  type StoredDirectoryUser,
} from '@/lib/provisioning/directory';
import type { FieldChanges, MappingRule } from '@/lib/provisioning/types';
import { replaceGroupMemberships, type GroupMembershipRow } from '@/lib/users/groups';
import { employeeDefaults, existing, isUniqueViolation } from '@/lib/users/provision';
import { arrayLiteral, bulkInsert, bulkUpdate, type Column } from './bulk';
import { emptyCounters, type BatchOutcome, type Conn, type Counters, type Pending } from './run';

// Applying decisions: a batch of directory users (from Graph, or from the stored copy
// when a setting changed) is decided with the pure core and written set-based in the
// caller's transaction — people, identity links, events and the stored directory rows.
// The Graph run and the re-evaluation both write through applyBatch(); there is no other.

/** A directory user to decide. `previous` undefined: read the stored copy here. */
export type BatchRecord = Omit<DirectoryRecord, 'previous'> & { previous?: StoredDirectoryUser | null };

/**
 * Which directory the batch comes from: Azure AD (a Graph run) or a SCIM directory (a push
 * through Jackson). It names the identity links, the stored copy's table, the person and
 * event sources; everything else is the same write path.
 */
export type DirectorySource = {
  kind: 'azure' | 'scim';
  /** How event details name the directory to an admin. */
  label: string;
  /** Added to every event's detail (a SCIM directory's id and name). */
  detail?: Record<string, unknown>;
};
export const AZURE_SOURCE: DirectorySource = { kind: 'azure', label: 'Azure AD' };

/** The stored copy of each kind of directory: one shape, two tables. */
const STORES = {
  azure: { table: s.azureDirectoryUsers, name: 'azure_directory_users', keyName: 'connection_id', key: s.azureDirectoryUsers.connectionId },
  scim: { table: s.scimDirectoryUsers as unknown as typeof s.azureDirectoryUsers, name: 'scim_directory_users', keyName: 'directory_id', key: s.scimDirectoryUsers.directoryId as unknown as typeof s.azureDirectoryUsers.connectionId },
} as const;
const PERSON_SOURCE = { azure: 'azure_ad', scim: 'scim' } as const;

export type ApplyScope = {
  /** The Azure connection, or the SCIM directory (its id keys the stored copy). */
  conn: Pick<Conn, 'id' | 'organizationId'>;
  ctx: DirectoryContext;
  /** The sync run (Azure), or the SCIM request, the events belong to. */
  runId: string;
  /** Absent: Azure AD. */
  source?: DirectorySource;
  now: Date;
  /** The full round this run is in: stored rows record it, to reconcile users not seen. */
  generation: number;
  /** Deactivations the run holds back: a person this batch updates again is taken off. */
  held: ReadonlyMap<string, Pending>;
};

/**
 * `storeData` (users read from Graph) stores what Graph sent; otherwise the stored data
 * stays and only the groups, the person and the applied fields move on.
 */
export type ApplyMode = { storeData: boolean };

/**
 * Someone else (an SSO login, the batch before) took an email meanwhile: the batch is
 * decided again from a savepoint, so the caller's transaction (and any advisory lock it
 * holds) stays held.
 */
export async function applyBatchRetrying(tx: Tx, scope: ApplyScope, records: BatchRecord[], mode: ApplyMode): Promise<BatchOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await tx.transaction((savepoint) => applyBatch(savepoint, scope, records, mode));
    } catch (err) {
      if (attempt < 3 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

/** Decide and write a batch of directory users. */
export async function applyBatch(tx: Tx, scope: ApplyScope, input: BatchRecord[], { storeData }: ApplyMode): Promise<BatchOutcome> {
  const c = emptyCounters();
  const held: Pending[] = [];
  if (!input.length) return { counters: c, held };
  const { conn, ctx, now } = scope;
  const { organizationId } = conn;
  const tenantId = ctx.tenantId;
  const source = scope.source ?? AZURE_SOURCE;
  const store = STORES[source.kind];

  const ids = input.map((r) => r.objectId);
  const stored = input.some((r) => r.previous === undefined) ? await loadStored(tx, conn.id, ids, source.kind) : new Map<string, StoredDirectoryUser>();
  const records: DirectoryRecord[] = input.map((r) => ({ ...r, previous: r.previous === undefined ? (stored.get(r.objectId) ?? null) : r.previous }));

  // Decide on people read without locks, then lock only the people the plan writes and make
  // sure they are as read (else read and decide again): a concurrent admin edit to someone
  // this batch changes waits for it and is then decided with, never overwritten, and the
  // many people a batch leaves as they are (a resync, a re-evaluation) are not locked at all.
  const locked = new Set<string>();
  let plan: BatchPlan;
  for (let round = 1; ; round++) {
    plan = decideBatch(scope, records, await readPeople(tx, scope, records));
    const toLock = [...plan.updates.keys()].filter((id) => !locked.has(id));
    if (!toLock.length) break;
    if (round > 5) throw new Error('people kept changing under a sync batch');
    // In id order, so two batches locking the same people queue instead of crossing.
    const rows = await tx.select().from(s.people).where(and(eq(s.people.organizationId, organizationId), inArray(s.people.id, toLock))).orderBy(s.people.id).for('update');
    for (const p of rows) locked.add(p.id);
    // As read: the plan stands. Otherwise decide again, now that these people cannot change.
    if (rows.length === toLock.length && rows.every((p) => JSON.stringify(withPhoneType(p)) === JSON.stringify(plan.read.get(p.id)))) break;
  }
  const { creates, updates, events, links, moveLinks, personOf, appliedOf } = plan;
  c.created = plan.counters.created;
  c.updated = plan.counters.updated;
  c.archived = plan.counters.archived;
  c.skipped = plan.counters.skipped;
  held.push(...plan.held);

  // Updates (archives among them) before inserts, so a freed email is free; the rest pipelines.
  await bulkUpdate(tx, 'people', organizationId, [...updates.values()], PERSON_UPDATE_COLUMNS(now));
  const writes: Promise<unknown>[] = [bulkInsert(tx, 'people', creates, PERSON_INSERT_COLUMNS(organizationId, now, PERSON_SOURCE[source.kind])), bulkInsert(tx, 'provisioning_events', events, EVENT_COLUMNS(organizationId, scope.runId, now, source))];
  for (const m of moveLinks) {
    writes.push(
      tx
        .update(s.personIdentities)
        .set({ personId: m.personId })
        .where(and(eq(s.personIdentities.organizationId, organizationId), eq(s.personIdentities.source, source.kind), eq(s.personIdentities.scope, tenantId), eq(s.personIdentities.externalId, m.objectId))),
    );
  }
  await Promise.all(writes);
  // Identities point at people rows, so they follow the inserts.
  const directory = { personOf, appliedOf };
  await Promise.all([
    bulkInsert(tx, 'person_identities', links, IDENTITY_COLUMNS(organizationId, tenantId, source.kind), sql`on conflict do nothing`),
    storeData
      ? bulkInsert(
          tx,
          store.name,
          records,
          DIRECTORY_COLUMNS(conn.id, organizationId, scope.generation, now, directory, store.keyName),
          sql`on conflict (${sql.raw(store.keyName)}, object_id) do update set data = excluded.data, groups = excluded.groups, removed = excluded.removed,
                person_id = coalesce(excluded.person_id, ${sql.raw(store.name)}.person_id), applied = coalesce(excluded.applied, ${sql.raw(store.name)}.applied),
                seen_generation = excluded.seen_generation, updated_at = excluded.updated_at`,
        )
      : updateDirectory(tx, conn.id, records, directory, now, source.kind),
    // The person's directory groups (Azure: the mapped groups' object ids; SCIM: group names), replaced where they moved.
    replaceGroupMemberships(tx, organizationId, source.kind, groupsMoved(records, personOf), now),
  ]);
  return { counters: c, held };
}


type PeopleRead = {
  linked: Map<string, PersonRow>;
  byEmail: Map<string, PersonRow>;
  linkedTo: Map<string, string>;
};

/** The people a batch is decided against: by object id, by email (only where the email is not the linked person's own), and their links. */
async function readPeople(tx: Tx, scope: ApplyScope, records: DirectoryRecord[]): Promise<PeopleRead> {
  const { conn, ctx } = scope;
  const kind = (scope.source ?? AZURE_SOURCE).kind;
  const store = STORES[kind];
  const ids = records.map((r) => r.objectId);
  const linkedRows = await tx
    .select({ person: s.people, externalId: s.personIdentities.externalId })
    .from(s.personIdentities)
    .innerJoin(s.people, eq(s.people.id, s.personIdentities.personId))
    .where(and(eq(s.personIdentities.source, kind), eq(s.personIdentities.scope, ctx.tenantId), sql`${s.personIdentities.externalId} = any(${arrayLiteral(ids)}::text[])`))
    .prepare('directory_people_linked')
    .execute();
  const linked = new Map(linkedRows.map((r) => [r.externalId, withPhoneType(r.person)]));
  const byEmail = new Map<string, PersonRow>();
  const lookup: string[] = [];
  for (const r of records) {
    const email = mappedEmail(ctx, r);
    if (!email) continue;
    const own = linked.get(r.objectId);
    if (own && own.email.toLowerCase() === email) byEmail.set(email, own);
    else lookup.push(email);
  }
  const emailRows = lookup.length ? await tx.select().from(s.people).where(sql`lower(${s.people.email}) = any(${arrayLiteral(lookup)}::text[])`).prepare('directory_people_by_email').execute() : [];
  for (const p of emailRows) byEmail.set(p.email.toLowerCase(), withPhoneType(p));
  // Which of those people another user of this directory, still in it, is linked to.
  const emailLinks = emailRows.length
    ? await tx
        .select({ personId: store.table.personId, objectId: store.table.objectId })
        .from(store.table)
        .where(and(eq(store.key, conn.id), eq(store.table.removed, false), inArray(store.table.personId, emailRows.map((p) => p.id))))
    : [];
  return { linked, byEmail, linkedTo: new Map(emailLinks.map((l) => [l.personId!, l.objectId])) };
}

type BatchPlan = {
  /** Every person the decisions read, as read. */
  read: Map<string, PersonRow>;
  creates: (DirectoryRecordFields & { id: string })[];
  updates: Map<string, PersonRow>;
  events: EventRow[];
  links: { personId: string; objectId: string }[];
  moveLinks: { personId: string; objectId: string }[];
  personOf: Map<string, string | null>;
  appliedOf: Map<string, AppliedFields>;
  counters: Counters;
  held: Pending[];
};

/** Each directory user of the batch decided by the pure core; what to write, nothing written. */
function decideBatch(scope: ApplyScope, records: DirectoryRecord[], { linked, byEmail, linkedTo }: PeopleRead): BatchPlan {
  const { ctx } = scope;
  const label = (scope.source ?? AZURE_SOURCE).label;
  const c = emptyCounters();
  const held: Pending[] = [];
  const current = new Map<string, PersonRow>();
  for (const p of [...linked.values(), ...byEmail.values()]) current.set(p.id, p);
  const creates: (DirectoryRecordFields & { id: string })[] = [];
  const updates = new Map<string, PersonRow>();
  const events: EventRow[] = [];
  const links: { personId: string; objectId: string }[] = [];
  const moveLinks: { personId: string; objectId: string }[] = [];
  const personOf = new Map<string, string | null>();
  const appliedOf = new Map<string, AppliedFields>();
  const claimed = new Set<string>();
  const byObject = new Map(records.map((r) => [r.objectId, r]));
  const event = (type: EventRow['type'], personId: string | null, objectId: string, extra: Partial<EventRow> = {}): EventRow => ({
    type,
    personId,
    objectId,
    user: byObject.get(objectId)!,
    reasonCode: null,
    ruleId: null,
    diff: {},
    detail: null,
    ...extra,
  });
  const change = (personId: string, changes: FieldChanges) => {
    const row = { ...(updates.get(personId) ?? current.get(personId)!) };
    for (const [f, ch] of Object.entries(changes)) (row as Record<string, unknown>)[f] = ch!.after;
    updates.set(personId, row);
  };

  for (const r of records) {
    const email = mappedEmail(ctx, r);
    const owner = email ? (byEmail.get(email) ?? null) : null;
    let plan = decideDirectoryUser(ctx, r, linked.get(r.objectId) ?? null, owner, owner ? (linkedTo.get(owner.id) ?? null) : null);
    // Two directory users with one email in one batch: the first one gets it.
    if ((plan.kind === 'create' || plan.kind === 'archive') && claimed.has(plan.record.email.toLowerCase())) {
      plan = { kind: 'skip', reason: 'email_conflict', detail: `Another ${label} user also has ${plan.record.email}.`, personId: null };
    }
    if (plan.kind === 'create' || plan.kind === 'update' || plan.kind === 'archive') appliedOf.set(r.objectId, plan.applied);
    switch (plan.kind) {
      case 'skip':
        personOf.set(r.objectId, plan.personId);
        if (plan.reason === 'unchanged' || plan.reason === 'not_linked') break;
        c.skipped++;
        events.push(event('sync_skipped', plan.personId, r.objectId, { reasonCode: plan.reason, detail: plan.detail }));
        break;
      case 'deactivate':
        personOf.set(r.objectId, plan.personId);
        held.push({ personId: plan.personId, objectId: r.objectId, reason: plan.reason, detail: plan.detail });
        break;
      case 'archive':
      case 'create': {
        claimed.add(plan.record.email.toLowerCase());
        const id = randomUUID();
        creates.push({ ...plan.record, id });
        personOf.set(r.objectId, id);
        events.push(event('person_created', id, r.objectId, { ruleId: plan.ruleId, diff: plan.changes }));
        c.created++;
        if (plan.kind === 'archive') {
          // Archive first (same statement order below): it frees the email the new record takes.
          change(plan.personId, plan.archive);
          events.push(event('person_archived', plan.personId, r.objectId, { ruleId: plan.ruleId, diff: plan.archive, detail: `The mapping rules now make this person a ${plan.record.type}; archived and a new ${plan.record.type} created.` }));
          c.archived++;
          // The Azure link follows the new record; the archived one keeps everything else.
          if (linked.has(r.objectId)) moveLinks.push({ personId: id, objectId: r.objectId });
          else links.push({ personId: id, objectId: r.objectId });
        } else {
          links.push({ personId: id, objectId: r.objectId });
        }
        break;
      }
      case 'update': {
        personOf.set(r.objectId, plan.personId);
        if (scope.held.has(plan.personId)) held.push({ personId: plan.personId, objectId: r.objectId, reason: '', cancel: true });
        const changed = Object.keys(plan.changes).length > 0;
        if (changed) {
          change(plan.personId, plan.changes);
          c.updated++;
        }
        if (plan.link) {
          links.push({ personId: plan.personId, objectId: r.objectId });
          events.push(event('person_merged', plan.personId, r.objectId, { ruleId: plan.ruleId, diff: plan.changes, detail: `Matched by email and linked to the ${label} user.` }));
        } else if (changed) {
          events.push(event(plan.changes.status ? 'person_reactivated' : 'person_updated', plan.personId, r.objectId, { ruleId: plan.ruleId, diff: plan.changes }));
        }
        break;
      }
    }
  }
  return { read: current, creates, updates, events, links, moveLinks, personOf, appliedOf, counters: c, held };
}

/** The stored copy of these users: what Graph last sent, and what the sync last applied. */
export async function loadStored(tx: Db | Tx, connectionId: string, objectIds: string[], kind: DirectorySource['kind'] = 'azure'): Promise<Map<string, StoredDirectoryUser>> {
  const { table, key } = STORES[kind];
  const rows = await tx
    .select({ objectId: table.objectId, data: table.data, applied: table.applied, groups: table.groups, personId: table.personId })
    .from(table)
    .where(and(eq(key, connectionId), sql`${table.objectId} = any(${arrayLiteral(objectIds)}::text[])`))
    // Prepared, so it pipelines with the reads sent alongside it (lib/users/provision.ts loadContext says why).
    .prepare(`stored_${kind}`)
    .execute();
  return new Map(rows.map((r) => [r.objectId, { data: r.data, applied: r.applied, groups: [...r.groups].sort(), personId: r.personId }]));
}

/**
 * Job titles Azure AD names that the organization does not have yet are added to its
 * lookup, committed on their own before the batch: two batches in flight never wait for
 * each other's new titles, and a title left by a batch that failed is harmless.
 */
export async function ensureJobTitles(db: Db, ctx: DirectoryContext, records: readonly { data: Record<string, unknown> }[]) {
  const missing = new Map<string, string>();
  for (const r of records) {
    const t = typeof r.data.jobTitle === 'string' ? r.data.jobTitle.trim() : '';
    if (t && !ctx.jobTitles[t.toLowerCase()]) missing.set(t.toLowerCase(), t);
  }
  if (!missing.size) return;
  await db
    .insert(s.jobTitles)
    .values([...missing.values()].map((name) => ({ organizationId: ctx.organizationId, name })))
    .onConflictDoNothing();
  const rows = await db
    .select({ id: s.jobTitles.id, name: s.jobTitles.name })
    .from(s.jobTitles)
    .where(and(eq(s.jobTitles.organizationId, ctx.organizationId), sql`lower(${s.jobTitles.name}) in ${[...missing.keys()]}`));
  for (const row of rows) ctx.jobTitles[row.name.toLowerCase()] = row.id;
}

/** Rules, defaults and lookups for one connection's decisions. */
export async function loadDirectoryContext(db: Db | Tx, conn: Conn): Promise<DirectoryContext> {
  const [org] = await db
    .select({ rootPersonId: s.organizations.rootPersonId, settings: s.provisioningSettings })
    .from(s.organizations)
    .leftJoin(s.provisioningSettings, eq(s.provisioningSettings.organizationId, s.organizations.id))
    .where(eq(s.organizations.id, conn.organizationId));
  const st = org?.settings;
  const tenantId = (conn.tenantId ?? conn.tenant).toLowerCase();
  const tenantNames = new Set([conn.tenant.toLowerCase(), tenantId]);
  const rules: MappingRule[] = (
    await db
      .select()
      .from(s.mappingRules)
      .where(and(eq(s.mappingRules.organizationId, conn.organizationId), eq(s.mappingRules.kind, 'azure')))
      .orderBy(asc(s.mappingRules.position), asc(s.mappingRules.createdAt))
  )
    // A rule may name the tenant by domain or by id; either means this connection.
    .filter((r) => r.domain === null || tenantNames.has(r.domain.toLowerCase()))
    .map((r) => ({ ...r, domain: r.domain === null ? null : tenantId }));
  const titles = await db.select({ id: s.jobTitles.id, name: s.jobTitles.name }).from(s.jobTitles).where(eq(s.jobTitles.organizationId, conn.organizationId));
  return {
    organizationId: conn.organizationId,
    tenantId,
    rootPersonId: org?.rootPersonId ?? null,
    emailSource: conn.emailSource,
    defaultPhoneType: st?.defaultPhoneType ?? 'office',
    defaults: employeeDefaults(st),
    rules,
    jobTitles: Object.fromEntries(titles.map((t) => [t.name.toLowerCase(), t.id])),
  };
}

function withPhoneType(p: typeof s.people.$inferSelect): DirectoryPerson & { phoneType: typeof p.phoneType } {
  return { ...existing(p), phoneType: p.phoneType };
}

/** The lower-cased address a record is matched by, from the connection's email source. */
function mappedEmail(ctx: DirectoryContext, r: DirectoryRecord): string | null {
  return r.removed ? null : (directoryEmail(r.data, ctx.emailSource)?.toLowerCase() ?? null);
}

type PersonRow = ReturnType<typeof withPhoneType>;
type EventRow = {
  type: (typeof s.eventType.enumValues)[number];
  personId: string | null;
  objectId: string;
  user: DirectoryRecord;
  reasonCode: string | null;
  ruleId: string | null;
  diff: FieldChanges;
  detail: string | null;
};

const PERSON_FIELDS = [
  ['first_name', 'text', 'firstName'],
  ['last_name', 'text', 'lastName'],
  ['username', 'text', 'username'],
  ['email', 'text', 'email'],
  ['phone', 'text', 'phone'],
  ['phone_type', 'phone_type', 'phoneType'],
  ['status', 'person_status', 'status'],
  ['job_title_id', 'uuid', 'jobTitleId'],
  ['department_id', 'uuid', 'departmentId'],
  ['location_id', 'uuid', 'locationId'],
  ['manager_id', 'uuid', 'managerId'],
  ['employment_type_id', 'uuid', 'employmentTypeId'],
  ['security_role_id', 'uuid', 'securityRoleId'],
  ['employee_role_id', 'uuid', 'employeeRoleId'],
  ['client_account_id', 'uuid', 'clientAccountId'],
] as const;

const fieldColumns = <R extends Record<string, unknown>>(): Column<R>[] => PERSON_FIELDS.map(([name, type, key]) => [name, type, (r: R) => r[key]] as const);

const PERSON_INSERT_COLUMNS = (organizationId: string, now: Date, personSource: string): Column<DirectoryRecordFields & { id: string }>[] => [
  ['id', 'uuid', (r) => r.id],
  ['organization_id', 'uuid', () => organizationId],
  ['type', 'person_type', (r) => r.type],
  ['source', 'person_source', () => personSource],
  ...fieldColumns<DirectoryRecordFields & { id: string }>(),
  ['created_at', 'timestamptz', () => now],
  ['updated_at', 'timestamptz', () => now],
];

const PERSON_UPDATE_COLUMNS = (now: Date): Column<PersonRow>[] => [['id', 'uuid', (r) => r.id], ...fieldColumns<PersonRow>(), ['updated_at', 'timestamptz', () => now]];

/** Who the event is about, as an admin knows them in Azure AD: display name, sign-in name and object id. */
function userDetail(runId: string, e: EventRow, source: DirectorySource) {
  const d = e.user.data;
  const name = typeof d.displayName === 'string' && d.displayName ? d.displayName : [d.givenName, d.surname].filter((v) => typeof v === 'string' && v).join(' ') || null;
  return {
    ...source.detail,
    runId,
    objectId: e.objectId,
    ...(name ? { displayName: name } : {}),
    ...(typeof d.userPrincipalName === 'string' ? { userPrincipalName: d.userPrincipalName } : {}),
    ...(e.detail ? { detail: e.detail } : {}),
  };
}

const EVENT_COLUMNS = (organizationId: string, runId: string, now: Date, source: DirectorySource): Column<EventRow>[] => [
  ['organization_id', 'uuid', () => organizationId],
  ['type', 'event_type', (e) => e.type],
  ['reason_code', 'text', (e) => e.reasonCode],
  ['source', 'text', () => source.kind],
  ['person_id', 'uuid', (e) => e.personId],
  ['rule_id', 'uuid', (e) => e.ruleId],
  ['diff', 'jsonb', (e) => e.diff],
  ['detail', 'jsonb', (e) => userDetail(runId, e, source)],
  ['created_at', 'timestamptz', () => now],
];

const IDENTITY_COLUMNS = (organizationId: string, tenantId: string, kind: DirectorySource['kind']): Column<{ personId: string; objectId: string }>[] => [
  ['organization_id', 'uuid', () => organizationId],
  ['person_id', 'uuid', (l) => l.personId],
  ['source', 'identity_source', () => kind],
  ['scope', 'text', () => tenantId],
  ['external_id', 'text', (l) => l.objectId],
];

type DirectoryWrites = { personOf: Map<string, string | null>; appliedOf: Map<string, AppliedFields> };

const DIRECTORY_COLUMNS = (connectionId: string, organizationId: string, generation: number, now: Date, w: DirectoryWrites, keyName: string): Column<DirectoryRecord>[] => [
  [keyName, 'uuid', () => connectionId],
  ['object_id', 'text', (r) => r.objectId],
  ['organization_id', 'uuid', () => organizationId],
  ['data', 'jsonb', (r) => r.data],
  ['groups', 'text[]', (r) => arrayLiteral(r.groups)],
  ['removed', 'boolean', (r) => r.removed],
  ['person_id', 'uuid', (r) => w.personOf.get(r.objectId) ?? null],
  ['applied', 'jsonb', (r) => w.appliedOf.get(r.objectId) ?? null],
  ['seen_generation', 'integer', () => generation],
  ['updated_at', 'timestamptz', () => now],
];

/** People whose mapped groups (or whose person) differ from the stored copy. */
function groupsMoved(records: DirectoryRecord[], personOf: Map<string, string | null>): GroupMembershipRow[] {
  const rows: GroupMembershipRow[] = [];
  for (const r of records) {
    const personId = personOf.get(r.objectId);
    if (!personId) continue;
    const p = r.previous;
    if (p && p.groups !== undefined && p.groups.join(',') === r.groups.join(',') && p.personId === personId) continue;
    rows.push({ personId, groups: r.groups });
  }
  return rows;
}

/** Field by field: jsonb keeps its own key order, so the stored copy never stringifies alike. */
function sameApplied(a: AppliedFields, b: AppliedFields | null): boolean {
  if (!b) return false;
  return OBJECT_FIELDS.every((f) => (a[f] ?? null) === (b[f] ?? null));
}

/** Users decided from the stored copy: new groups, a person id learnt meanwhile, what was applied. Rows where none moved are left alone. */
function updateDirectory(tx: Tx, connectionId: string, all: DirectoryRecord[], w: DirectoryWrites, now: Date, kind: DirectorySource['kind']) {
  const store = STORES[kind];
  const records = all.filter((r) => {
    const p = r.previous;
    if (!p || p.groups === undefined || p.personId === undefined) return true;
    const applied = w.appliedOf.get(r.objectId);
    return r.groups.join(',') !== p.groups.join(',') || (w.personOf.get(r.objectId) ?? p.personId) !== p.personId || (applied !== undefined && !sameApplied(applied, p.applied));
  });
  if (!records.length) return Promise.resolve();
  const applied = records.map((r) => {
    const a = w.appliedOf.get(r.objectId);
    return a ? JSON.stringify(a) : null;
  });
  return tx.execute(sql`
    update ${sql.raw(store.name)} d
       set groups = string_to_array(u.groups, ','), person_id = coalesce(u.person_id::uuid, d.person_id),
           applied = coalesce(u.applied::jsonb, d.applied), updated_at = ${now.toISOString()}::timestamptz
      from unnest(${arrayLiteral(records.map((r) => r.objectId))}::text[], ${arrayLiteral(records.map((r) => r.groups.join(',')))}::text[],
                  ${arrayLiteral(records.map((r) => w.personOf.get(r.objectId) ?? null))}::text[], ${arrayLiteral(applied)}::text[]) as u(object_id, groups, person_id, applied)
     where d.${sql.raw(store.keyName)} = ${connectionId} and d.object_id = u.object_id`);
}
