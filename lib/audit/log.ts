import { and, desc, eq, gte, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { pageParamsSchema, type Page } from '@/lib/pagination';
import { describeDiff, diffStrings, type ChangeRow } from './labels';

export const EVENT_TYPES = s.eventType.enumValues;

export const logFiltersSchema = pageParamsSchema.extend({
  ref: z.uuid().optional().catch(undefined),
  personId: z.uuid().optional().catch(undefined),
  type: z.enum(EVENT_TYPES).optional().catch(undefined),
  reason: z.string().regex(/^[a-z_]{1,40}$/).optional().catch(undefined),
  source: z.enum(['kaseyaone', 'sso', 'azure', 'scim', 'admin', 'local']).optional().catch(undefined),
  person: z.string().trim().min(1).max(200).optional().catch(undefined),
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
  /** One SCIM directory's events. */
  directory: z.uuid().optional().catch(undefined),
  /** One Azure AD sync run's events. */
  run: z.uuid().optional().catch(undefined),
});
export type LogFilters = z.infer<typeof logFiltersSchema>;

export type LogRow = {
  id: string;
  createdAt: Date;
  type: (typeof EVENT_TYPES)[number];
  reasonCode: string | null;
  source: string;
  personId: string | null;
  personName: string | null;
  personEmail: string | null;
  actorName: string | null;
  diff: ChangeRow[];
  detail: Record<string, unknown>;
};

/** The provisioning log of one organization, newest first, filtered and paginated. */
export async function listEvents(db: Db, organizationId: string, f: LogFilters): Promise<Page<LogRow>> {
  const person = alias(s.people, 'person');
  const actor = alias(s.people, 'actor');
  const where: SQL[] = [eq(s.provisioningEvents.organizationId, organizationId)];
  if (f.ref) where.push(eq(s.provisioningEvents.id, f.ref));
  if (f.personId) where.push(eq(s.provisioningEvents.personId, f.personId));
  if (f.type) where.push(eq(s.provisioningEvents.type, f.type));
  if (f.reason) where.push(eq(s.provisioningEvents.reasonCode, f.reason));
  if (f.source) where.push(eq(s.provisioningEvents.source, f.source));
  if (f.run) {
    // The run's start bounds the range the (organization, created_at) index scans.
    where.push(sql`${s.provisioningEvents.detail}->>'runId' = ${f.run}`);
    where.push(sql`${s.provisioningEvents.createdAt} >= (select ${s.azureSyncRuns.startedAt} from ${s.azureSyncRuns} where ${s.azureSyncRuns.id} = ${f.run} and ${s.azureSyncRuns.organizationId} = ${organizationId})`);
  }
  if (f.directory) where.push(sql`${s.provisioningEvents.detail}->>'directoryId' = ${f.directory}`);
  if (f.from) where.push(gte(s.provisioningEvents.createdAt, new Date(`${f.from}T00:00:00Z`)));
  if (f.to) where.push(lt(s.provisioningEvents.createdAt, new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000)));
  if (f.person) {
    const like = `%${f.person.replace(/[%_\\]/g, '\\$&')}%`;
    where.push(
      or(
        ilike(person.email, like),
        ilike(sql`${person.firstName} || ' ' || ${person.lastName}`, like),
        sql`${s.provisioningEvents.detail}->'identity'->>'email' ilike ${like}`,
        // Azure AD users a sync skipped: found by their display name or sign-in name.
        sql`${s.provisioningEvents.detail}->>'displayName' ilike ${like}`,
        sql`${s.provisioningEvents.detail}->>'userPrincipalName' ilike ${like}`,
      )!,
    );
  }
  const base = db
    .select({
      event: s.provisioningEvents,
      personName: sql<string | null>`nullif(trim(${person.firstName} || ' ' || ${person.lastName}), '')`,
      personEmail: person.email,
      actorName: sql<string | null>`nullif(trim(${actor.firstName} || ' ' || ${actor.lastName}), '')`,
    })
    .from(s.provisioningEvents)
    .leftJoin(person, and(eq(person.id, s.provisioningEvents.personId), eq(person.organizationId, organizationId)))
    .leftJoin(actor, and(eq(actor.id, s.provisioningEvents.actorPersonId), eq(actor.organizationId, organizationId)))
    .where(and(...where));
  const [rows, [{ total }]] = await Promise.all([
    base.orderBy(desc(s.provisioningEvents.createdAt), desc(s.provisioningEvents.id)).limit(f.pageSize).offset((f.page - 1) * f.pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(s.provisioningEvents)
      .leftJoin(person, and(eq(person.id, s.provisioningEvents.personId), eq(person.organizationId, organizationId)))
      .where(and(...where)) as unknown as Promise<[{ total: number }]>,
  ]);
  const names = await namesFor(db, organizationId, rows.flatMap((r) => diffStrings(r.event.diff)));
  return {
    total,
    page: f.page,
    pageSize: f.pageSize,
    rows: rows.map((r) => ({
      id: r.event.id,
      createdAt: r.event.createdAt,
      type: r.event.type,
      reasonCode: r.event.reasonCode,
      source: r.event.source,
      personId: r.event.personId,
      personName: r.personName ?? directoryName(r.event.detail),
      personEmail: r.personEmail ?? (r.event.detail as { identity?: { email?: string } }).identity?.email ?? directoryLogin(r.event.detail),
      actorName: r.actorName,
      diff: describeDiff(r.event.diff, names),
      detail: r.event.detail,
    })),
  };
}

/** An Azure AD user the event is about but no person stands for (a skipped user): the name Azure AD gives. */
function directoryName(detail: Record<string, unknown>): string | null {
  return typeof detail.displayName === 'string' ? detail.displayName : null;
}

/** Its sign-in name and object id, which an admin looks up in Entra ID. */
function directoryLogin(detail: Record<string, unknown>): string | null {
  const parts = [detail.userPrincipalName, typeof detail.objectId === 'string' ? `object id ${detail.objectId}` : null].filter((v): v is string => typeof v === 'string' && v !== '');
  return parts.length ? parts.join(' · ') : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Lookup and person ids in diffs, shown by name (this organization's only). */
async function namesFor(db: Db, organizationId: string, values: unknown[]): Promise<Map<string, string>> {
  const ids = [...new Set(values.filter((v): v is string => typeof v === 'string' && UUID.test(v)))];
  const names = new Map<string, string>();
  if (ids.length === 0) return names;
  for (const table of [s.departments, s.locations, s.jobTitles, s.employmentTypes, s.employeeRoles, s.clientAccounts, s.securityRoles]) {
    for (const r of await db.select({ id: table.id, name: table.name }).from(table).where(and(eq(table.organizationId, organizationId), inArray(table.id, ids)))) names.set(r.id, r.name);
  }
  for (const r of await db
    .select({ id: s.people.id, name: sql<string>`trim(${s.people.firstName} || ' ' || ${s.people.lastName})` })
    .from(s.people)
    .where(and(eq(s.people.organizationId, organizationId), inArray(s.people.id, ids)))) names.set(r.id, r.name);
  return names;
}

/** Field changes as a person reads them: labels as the forms say them, lookup and person ids shown by name. */
export async function describeChanges(db: Db, organizationId: string, diff: Record<string, { before: unknown; after: unknown }>): Promise<ChangeRow[]> {
  const names = await namesFor(db, organizationId, diffStrings(diff));
  return describeDiff(diff, names);
}
