import { and, asc, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { pageParamsSchema, type Page } from '@/lib/pagination';
import { invalidInput } from '@/lib/validation';
import { kaseyaOneOrganizationMappingSchema, kaseyaOneOrganizationSchema } from './schemas';

// KaseyaOne Settings › Organizations: the KaseyaOne customer organizations a partner
// manages, each mapped to one of our client Accounts (or not yet).

const t = s.kaseyaOneOrganizations;

export const K1_ORG_SORTS = ['name', '-name', 'externalId', '-externalId'] as const;

export const kaseyaOneOrgQuerySchema = pageParamsSchema.extend({
  sort: z.enum(K1_ORG_SORTS).catch('name'),
  q: z.string().trim().min(1).max(200).optional().catch(undefined),
});
export type KaseyaOneOrgQuery = z.infer<typeof kaseyaOneOrgQuerySchema>;

export type KaseyaOneOrgRow = { id: string; externalId: string; name: string; clientAccountId: string | null; accountName: string | null };
export type KaseyaOneOrgResult = { ok: true; id: string } | { ok: false; error: string; fieldErrors?: Record<string, string>; notFound?: boolean };

const NOT_FOUND = { ok: false, error: 'That KaseyaOne organization does not exist.', notFound: true } as const;

function orderBy(sort: KaseyaOneOrgQuery['sort']): SQL[] {
  const dir = sort.startsWith('-') ? desc : asc;
  return sort.endsWith('externalId') ? [dir(t.externalId), dir(t.id)] : [dir(sql`lower(${t.name})`), dir(t.externalId), dir(t.id)];
}

/** One organization's KaseyaOne organizations: searched by name or external id, sorted, one page. */
export async function listKaseyaOneOrgs(db: Db, organizationId: string, query: Partial<KaseyaOneOrgQuery> = {}): Promise<Page<KaseyaOneOrgRow>> {
  const q = kaseyaOneOrgQuerySchema.parse(query);
  const where: SQL[] = [eq(t.organizationId, organizationId)];
  if (q.q) {
    const like = `%${q.q.replace(/[%_\\]/g, '\\$&')}%`;
    where.push(or(ilike(t.name, like), ilike(t.externalId, like))!);
  }
  const [rows, [count]] = await Promise.all([
    db
      .select({ id: t.id, externalId: t.externalId, name: t.name, clientAccountId: t.clientAccountId, accountName: s.clientAccounts.name })
      .from(t)
      .leftJoin(s.clientAccounts, and(eq(s.clientAccounts.id, t.clientAccountId), eq(s.clientAccounts.organizationId, organizationId)))
      .where(and(...where))
      .orderBy(...orderBy(q.sort))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db.select({ total: sql<number>`count(*)::int` }).from(t).where(and(...where)),
  ]);
  return { rows, total: count!.total, page: q.page, pageSize: q.pageSize };
}

/** This organization's client Accounts, to map to. */
export async function clientAccountOptions(db: Db, organizationId: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: s.clientAccounts.id, name: s.clientAccounts.name })
    .from(s.clientAccounts)
    .where(eq(s.clientAccounts.organizationId, organizationId))
    .orderBy(asc(s.clientAccounts.name));
}

/** No account, or one of this organization's client Accounts. */
async function ownAccount(db: Db | Tx, organizationId: string, clientAccountId: string | null): Promise<boolean> {
  if (!clientAccountId) return true;
  const [row] = await db
    .select({ id: s.clientAccounts.id })
    .from(s.clientAccounts)
    .where(and(eq(s.clientAccounts.organizationId, organizationId), eq(s.clientAccounts.id, clientAccountId)));
  return Boolean(row);
}

const ACCOUNT_ERROR = { ok: false, error: 'Check the highlighted fields.', fieldErrors: { clientAccountId: 'Choose a client Account of your organization.' } } as const;

/** Adds a KaseyaOne organization by hand (external id unique within the organization). Audited. */
export async function addKaseyaOneOrg(db: Db, organizationId: string, actorPersonId: string, raw: unknown): Promise<KaseyaOneOrgResult> {
  const parsed = kaseyaOneOrganizationSchema.safeParse(raw);
  if (!parsed.success) return invalidInput(parsed.error);
  const values = parsed.data;
  if (!(await ownAccount(db, organizationId, values.clientAccountId))) return ACCOUNT_ERROR;
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(t).values({ organizationId, ...values }).onConflictDoNothing().returning({ id: t.id });
    if (!row) return { ok: false, error: 'Check the highlighted fields.', fieldErrors: { externalId: 'A KaseyaOne organization with this ID is already in the list.' } };
    await audit(tx, organizationId, actorPersonId, 'kaseyaone_organization.added', values, {
      '': { before: null, after: values.name },
      ...(values.clientAccountId ? { account: { before: null, after: values.clientAccountId } } : {}),
    });
    return { ok: true, id: row.id } as const;
  });
}

/** Maps one of this organization's KaseyaOne organizations to a client Account, or unmaps it. Audited. */
export async function mapKaseyaOneOrg(db: Db, organizationId: string, actorPersonId: string, raw: unknown): Promise<KaseyaOneOrgResult> {
  const parsed = kaseyaOneOrganizationMappingSchema.safeParse(raw);
  if (!parsed.success) return invalidInput(parsed.error);
  const { id, clientAccountId } = parsed.data;
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(t)
      .where(and(eq(t.organizationId, organizationId), eq(t.id, id)))
      .for('update');
    if (!current) return NOT_FOUND;
    if (!(await ownAccount(tx, organizationId, clientAccountId))) return ACCOUNT_ERROR;
    if (current.clientAccountId === clientAccountId) return { ok: true, id } as const;
    await tx
      .update(t)
      .set({ clientAccountId, updatedAt: new Date() })
      .where(and(eq(t.organizationId, organizationId), eq(t.id, id)));
    await audit(tx, organizationId, actorPersonId, clientAccountId ? 'kaseyaone_organization.mapped' : 'kaseyaone_organization.unmapped', current, {
      account: { before: current.clientAccountId, after: clientAccountId },
    });
    return { ok: true, id } as const;
  });
}

/** Removes one of this organization's KaseyaOne organizations (e.g. added by mistake). Audited. */
export async function removeKaseyaOneOrg(db: Db, organizationId: string, actorPersonId: string, id: string): Promise<KaseyaOneOrgResult> {
  return db.transaction(async (tx) => {
    const [gone] = await tx
      .delete(t)
      .where(and(eq(t.organizationId, organizationId), eq(t.id, id)))
      .returning();
    if (!gone) return NOT_FOUND;
    await audit(tx, organizationId, actorPersonId, 'kaseyaone_organization.removed', gone, {
      '': { before: gone.name, after: null },
      ...(gone.clientAccountId ? { account: { before: gone.clientAccountId, after: null } } : {}),
    });
    return { ok: true, id } as const;
  });
}

/**
 * One settings event, its diff keyed by the organization's external id so the log reads
 * "kaseyaOneOrganization.k1-1001: — → Initech" and "kaseyaOneOrganization.k1-1001.account:
 * Initech → Umbrella Health" (Account ids are shown by name).
 */
async function audit(
  tx: Tx,
  organizationId: string,
  actorPersonId: string,
  what: string,
  org: { externalId: string; name: string },
  changes: Record<string, { before: unknown; after: unknown }>,
) {
  const key = `kaseyaOneOrganization.${org.externalId}`;
  await tx.insert(s.provisioningEvents).values({
    organizationId,
    type: 'settings_changed',
    source: 'admin',
    actorPersonId,
    diff: Object.fromEntries(Object.entries(changes).map(([field, change]) => [field ? `${key}.${field}` : key, change])),
    detail: { what, kaseyaOneOrganization: { externalId: org.externalId, name: org.name } },
  });
}
