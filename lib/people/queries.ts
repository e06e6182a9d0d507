import { and, asc, desc, eq, ilike, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/lib/db/client';
import { clientAccounts, departments, jobTitles, people, securityRoles } from '@/lib/db/schema';
import { pageParamsSchema, type Page } from '@/lib/pagination';

export type PersonRow = {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  status: 'active' | 'inactive' | 'archived';
  source: 'local' | 'sso_jit' | 'kaseyaone' | 'azure_ad' | 'scim';
  department: string | null;
  jobTitle: string | null;
  securityRole: string | null;
  account: string | null;
  lastLoginAt: Date | null;
  removed: boolean;
};

export const PEOPLE_SORTS = ['name', '-name', 'email', '-email', 'lastLogin', '-lastLogin', 'created', '-created'] as const;

export const peopleQuerySchema = pageParamsSchema.extend({
  sort: z.enum(PEOPLE_SORTS).catch('name'),
  q: z.string().trim().min(1).max(200).optional().catch(undefined),
  /** `removed`: people an admin removed on purpose (tombstones), whatever their status. */
  status: z.enum(['active', 'inactive', 'archived', 'removed']).optional().catch(undefined),
  source: z.enum(['local', 'sso_jit', 'kaseyaone', 'azure_ad', 'scim']).optional().catch(undefined),
});
export type PeopleQuery = z.infer<typeof peopleQuerySchema>;

function orderBy(sort: PeopleQuery['sort']): SQL[] {
  const dir = sort.startsWith('-') ? desc : asc;
  switch (sort.replace('-', '')) {
    case 'email':
      return [dir(sql`lower(${people.email})`)];
    case 'lastLogin':
      return [sort.startsWith('-') ? sql`${people.lastLoginAt} desc nulls last` : sql`${people.lastLoginAt} asc nulls first`, asc(people.id)];
    case 'created':
      return [dir(people.createdAt), dir(people.id)];
    default:
      return [dir(people.lastName), dir(people.firstName), dir(people.id)];
  }
}

/** People of one organization and type: searched (name or email), filtered, sorted, one page. */
export async function listPeople(db: Db, organizationId: string, type: 'employee' | 'contact', query: Partial<PeopleQuery> = {}): Promise<Page<PersonRow>> {
  const q = peopleQuerySchema.parse(query);
  const where: SQL[] = [eq(people.organizationId, organizationId), eq(people.type, type)];
  if (q.status === 'removed') where.push(isNotNull(people.removedAt));
  else if (q.status) where.push(eq(people.status, q.status));
  if (q.source) where.push(eq(people.source, q.source));
  if (q.q) {
    const like = `%${q.q.replace(/[%_\\]/g, '\\$&')}%`;
    where.push(or(ilike(people.email, like), ilike(sql`${people.firstName} || ' ' || ${people.lastName}`, like))!);
  }
  const filter = and(...where);
  // Deferred join: pick the page's ids from the indexes alone, then join lookups for those 50.
  const pageIds = db
    .select({ id: people.id })
    .from(people)
    .where(filter)
    .orderBy(...orderBy(q.sort))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  const [rows, [count]] = await Promise.all([
    db
      .select({
        id: people.id,
        firstName: people.firstName,
        lastName: people.lastName,
        email: people.email,
        status: people.status,
        source: people.source,
        lastLoginAt: people.lastLoginAt,
        removed: sql<boolean>`${people.removedAt} is not null`,
        department: departments.name,
        jobTitle: jobTitles.name,
        securityRole: securityRoles.name,
        account: clientAccounts.name,
      })
      .from(people)
      .leftJoin(departments, and(eq(departments.id, people.departmentId), eq(departments.organizationId, organizationId)))
      .leftJoin(jobTitles, and(eq(jobTitles.id, people.jobTitleId), eq(jobTitles.organizationId, organizationId)))
      .leftJoin(securityRoles, and(eq(securityRoles.id, people.securityRoleId), eq(securityRoles.organizationId, organizationId)))
      .leftJoin(clientAccounts, and(eq(clientAccounts.id, people.clientAccountId), eq(clientAccounts.organizationId, organizationId)))
      .where(and(eq(people.organizationId, organizationId), inArray(people.id, pageIds)))
      .orderBy(...orderBy(q.sort)),
    db.select({ total: sql<number>`count(*)::int` }).from(people).where(filter),
  ]);
  return { rows, total: count!.total, page: q.page, pageSize: q.pageSize };
}
