import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { getEnv } from '@/lib/env';
import { personAccess, type PersonAccess } from '@/lib/auth/access';
import { replaceGroupMemberships } from './groups';
import { decideLogin } from '@/lib/provisioning/decide';
import type { ReasonCode } from '@/lib/provisioning/reasons';
import {
  MAPPABLE_FIELDS,
  type AttributeMapping,
  type Decision,
  type EmployeeDefaults,
  type ExistingPerson,
  type Identity,
  type Lookups,
  type MappableField,
  type OrgContext,
} from '@/lib/provisioning/types';

export type LoginResult =
  | { outcome: 'allow'; action: 'create' | 'update' | 'none'; personId: string; eventId: string; access: PersonAccess }
  | { outcome: 'deny'; reason: ReasonCode; eventId: string };

const PERSON_SOURCE = { kaseyaone: 'kaseyaone', sso: 'sso_jit', azure: 'azure_ad', scim: 'scim' } as const;
const MAX_ATTEMPTS = 4;

/**
 * Decides a login with the pure core and applies the plan in one transaction, writing
 * one provisioning event per decision. Concurrent first logins of one person race on
 * the unique email and identity indexes; the loser rolls back and decides again, now
 * finding the person the winner created.
 */
export async function provisionLogin(db: Db, args: { organizationId: string; identity: Identity; now?: Date }): Promise<LoginResult> {
  const now = args.now ?? new Date();
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => decideAndApply(tx, args.organizationId, args.identity, now));
    } catch (err) {
      if (attempt < MAX_ATTEMPTS && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

/**
 * What a login would do right now — the same context and the same core — in a read-only
 * transaction, so nothing can be written. The admin's login preview.
 */
export async function previewLogin(db: Db, args: { organizationId: string; identity: Identity; now?: Date }): Promise<Decision> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set transaction read only`);
    const context = await loadContext(tx, args.organizationId, args.identity);
    if (!context) throw new Error(`organization ${args.organizationId} not found`);
    if (context.org.settings.seatCap !== null) context.org.autoCreatedCount = await countAutoCreated(tx, args.organizationId);
    return decideLogin({ ...context, identity: args.identity, now: args.now ?? new Date() });
  });
}

async function decideAndApply(tx: Tx, organizationId: string, identity: Identity, now: Date): Promise<LoginResult> {
  const context = await loadContext(tx, organizationId, identity);
  if (!context) throw new Error(`organization ${organizationId} not found`);
  if (context.org.settings.seatCap !== null) {
    // Serialize creations under a cap so concurrent logins cannot overshoot it.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`seat:${organizationId}`}))`);
    context.org.autoCreatedCount = await countAutoCreated(tx, organizationId);
  }
  const decision = decideLogin({ ...context, identity, now });
  return applyDecision(tx, organizationId, identity, decision, now);
}

async function applyDecision(tx: Tx, organizationId: string, identity: Identity, decision: Decision, now: Date): Promise<LoginResult> {
  const base = {
    organizationId,
    source: identity.source,
    ruleId: decision.ruleId,
  };
  const about = { email: identity.email, externalId: identity.externalId, scope: identity.scope, groups: identity.groups };
  // Ids are made here, so the writes need no answer from each other: they are issued together
  // and pipelined on the transaction's connection. Only prepared statements pipeline (see
  // loadContext); the group statement is raw SQL, which cannot be, so it goes last.
  const eventId = randomUUID();
  const writes: PromiseLike<unknown>[] = [];
  if (decision.outcome === 'deny') {
    writes.push(
      tx
        .insert(s.provisioningEvents)
        .values({
          ...base,
          id: eventId,
          type: 'login_denied',
          reasonCode: decision.reason,
          personId: decision.personId,
          detail: { detail: decision.detail, identity: about },
        })
        .prepare('login_event')
        .execute(),
    );
    // A refused login of one of our people still tells us their groups (why no rule matched, say).
    if (decision.personId) writes.push(replaceGroupMemberships(tx, organizationId, identity.source, [{ personId: decision.personId, groups: identity.groups }], now));
    await Promise.all(writes);
    return { outcome: 'deny', reason: decision.reason, eventId };
  }

  const personId = decision.personId ?? randomUUID();
  if (decision.action === 'create') {
    writes.push(
      tx
        .insert(s.people)
        .values({ id: personId, organizationId, ...decision.create!, source: PERSON_SOURCE[identity.source], lastLoginAt: now })
        .prepare('login_create_person')
        .execute(),
    );
  } else {
    const set: Partial<typeof s.people.$inferInsert> = { lastLoginAt: now };
    for (const [field, change] of Object.entries(decision.changes)) (set as Record<string, unknown>)[field] = change!.after;
    if (decision.action === 'update') set.updatedAt = now;
    writes.push(
      tx
        .update(s.people)
        .set(set)
        .where(and(eq(s.people.organizationId, organizationId), eq(s.people.id, personId)))
        .prepare('login_update_person')
        .execute(),
    );
  }
  if (decision.link) writes.push(tx.insert(s.personIdentities).values({ organizationId, personId, ...decision.link }).prepare('login_link_identity').execute());
  const type = decision.action === 'create' ? 'person_created' : decision.action === 'update' ? 'person_updated' : 'login_allowed';
  writes.push(
    tx
      .insert(s.provisioningEvents)
      .values({
        ...base,
        id: eventId,
        type,
        personId,
        diff: decision.changes as Record<string, { before: unknown; after: unknown }>,
        detail: { identity: about, linked: decision.link !== null, warnings: decision.warnings, login: true },
      })
      .prepare('login_event')
      .execute(),
  );
  // The session needs the person's standing as written: read in the same pipeline, after the writes.
  const access = personAccess(tx, organizationId, personId);
  writes.push(access, replaceGroupMemberships(tx, organizationId, identity.source, [{ personId, groups: identity.groups }], now));
  await Promise.all(writes);
  return { outcome: 'allow', action: decision.action, personId, eventId, access: (await access)! };
}

type Context = Omit<Parameters<typeof decideLogin>[0], 'identity' | 'now'>;

/** Everything the core needs, read inside the transaction. */
async function loadContext(tx: Tx, organizationId: string, identity: Identity): Promise<Context | null> {
  // Independent reads, issued together: pipelined on the transaction's connection. They are
  // prepared statements because only those pipeline: postgres.js sends an unprepared query
  // with parameters (drizzle's default) as Parse/Describe, waits for the parameter types,
  // then Bind/Execute, and holds every later query of the connection back meanwhile — two
  // round trips each, one after the other. A prepared one is described once per connection.
  const [[org], rules, mappings, [linked], [byEmail]] = await Promise.all([
    tx
      .select({ org: s.organizations, settings: s.provisioningSettings })
      .from(s.organizations)
      .leftJoin(s.provisioningSettings, eq(s.provisioningSettings.organizationId, s.organizations.id))
      .where(eq(s.organizations.id, organizationId))
      .prepare('login_org')
      .execute(),
    tx
      .select()
      .from(s.mappingRules)
      .where(and(eq(s.mappingRules.organizationId, organizationId), eq(s.mappingRules.kind, 'sso')))
      .orderBy(asc(s.mappingRules.position), asc(s.mappingRules.createdAt))
      .prepare('login_rules')
      .execute(),
    tx.select().from(s.attributeMappings).where(eq(s.attributeMappings.organizationId, organizationId)).prepare('login_attribute_mappings').execute(),
    tx
      .select({ person: s.people })
      .from(s.personIdentities)
      .innerJoin(s.people, eq(s.people.id, s.personIdentities.personId))
      .where(
        and(
          eq(s.personIdentities.source, identity.source),
          eq(s.personIdentities.scope, identity.scope),
          eq(s.personIdentities.externalId, identity.externalId),
        ),
      )
      .prepare('login_person_by_identity')
      .execute(),
    // Email is unique platform-wide, so this may find another organization's person: the core refuses that.
    identity.email
      ? tx
          .select()
          .from(s.people)
          .where(sql`lower(${s.people.email}) = lower(${identity.email})`)
          .prepare('login_person_by_email')
          .execute()
      : Promise.resolve([]),
  ]);
  if (!org) return null;
  const st = org.settings;
  const orgContext: OrgContext = {
    id: org.org.id,
    status: org.org.status,
    contractEndsOn: org.org.contractEndsOn,
    kaseyaOneOrgId: org.org.kaseyaOneOrgId,
    rootPersonId: org.org.rootPersonId,
    productIds: getEnv().KASEYAONE_PRODUCT_IDS,
    autoCreatedCount: 0,
    settings: {
      method: st?.method ?? 'none',
      kaseyaOneLoginEnabled: st?.kaseyaOneLoginEnabled ?? false,
      autoCreationEnabled: st?.autoCreationEnabled ?? false,
      seatCap: st?.seatCap ?? null,
      defaults: employeeDefaults(st),
    },
  };
  const attributeMappings: AttributeMapping[] = mappings
    .filter((m) => Object.hasOwn(MAPPABLE_FIELDS, m.personField))
    .map((m) => ({ attributeName: m.attributeName, personField: m.personField as MappableField, defaultValue: m.defaultValue, applyOn: m.applyOn }));

  return {
    org: orgContext,
    rules,
    attributeMappings,
    lookups: attributeMappings.length ? await loadLookups(tx, organizationId, attributeMappings) : {},
    byExternalId: linked ? existing(linked.person) : null,
    byEmail: byEmail ? existing(byEmail) : null,
  };
}

/** The Employee Defaults of a provisioning_settings row (none when the organization has no row yet). */
export function employeeDefaults(st: typeof s.provisioningSettings.$inferSelect | null | undefined): EmployeeDefaults {
  return {
    departmentId: st?.defaultDepartmentId ?? null,
    locationId: st?.defaultLocationId ?? null,
    managerId: st?.defaultManagerId ?? null,
    jobTitleId: st?.defaultJobTitleId ?? null,
    employmentTypeId: st?.defaultEmploymentTypeId ?? null,
    securityRoleId: st?.defaultSecurityRoleId ?? null,
    employeeRoleId: st?.defaultEmployeeRoleId ?? null,
    clientAccountId: st?.defaultClientAccountId ?? null,
  };
}

/** A people row as the decision cores see it. */
export function existing(p: typeof s.people.$inferSelect): ExistingPerson {
  return {
    id: p.id,
    organizationId: p.organizationId,
    type: p.type,
    status: p.status,
    firstName: p.firstName,
    lastName: p.lastName,
    username: p.username,
    email: p.email,
    phone: p.phone,
    departmentId: p.departmentId,
    locationId: p.locationId,
    managerId: p.managerId,
    jobTitleId: p.jobTitleId,
    employmentTypeId: p.employmentTypeId,
    securityRoleId: p.securityRoleId,
    employeeRoleId: p.employeeRoleId,
    clientAccountId: p.clientAccountId,
    lockedFields: p.lockedFields,
    removedByAdmin: p.removedAt !== null,
  };
}

/** Each lookup's table, by the lookup names attribute mappings resolve in. */
export const LOOKUP_TABLES = {
  departments: s.departments,
  locations: s.locations,
  jobTitles: s.jobTitles,
  employmentTypes: s.employmentTypes,
  employeeRoles: s.employeeRoles,
  clientAccounts: s.clientAccounts,
  securityRoles: s.securityRoles,
} as const;

/** Only the lookups some mapping needs, as lower-cased name → id. */
async function loadLookups(tx: Tx, organizationId: string, mappings: AttributeMapping[]): Promise<Lookups> {
  const needed = [...new Set(mappings.map((m) => MAPPABLE_FIELDS[m.personField]).filter((l) => l !== null))];
  // Issued together and prepared, so they pipeline (see loadContext).
  const found = await Promise.all(
    needed.map((name) => {
      const table = LOOKUP_TABLES[name];
      return tx.select({ id: table.id, name: table.name }).from(table).where(eq(table.organizationId, organizationId)).prepare(`login_lookup_${name}`).execute();
    }),
  );
  const lookups: Lookups = {};
  needed.forEach((name, i) => (lookups[name] = Object.fromEntries(found[i]!.map((r) => [r.name.toLowerCase(), r.id]))));
  return lookups;
}

/** People created automatically (KaseyaOne and SSO JIT): what the seat cap counts. */
export async function countAutoCreated(tx: Tx | Db, organizationId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(s.people)
    .where(and(eq(s.people.organizationId, organizationId), inArray(s.people.source, ['sso_jit', 'kaseyaone'])));
  return row!.n;
}

export function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true;
  }
  return false;
}
