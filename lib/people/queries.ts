import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { clientAccounts, departments, jobTitles, people, securityRoles } from '@/lib/db/schema';

export type PersonRow = {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  status: 'active' | 'inactive' | 'archived';
  source: 'local' | 'sso_jit' | 'kaseyaone' | 'azure_ad';
  department: string | null;
  jobTitle: string | null;
  securityRole: string | null;
  account: string | null;
};

/** People of one organization and type, by name. (Server pagination arrives with the admin console.) */
export async function listPeople(db: Db, organizationId: string, type: 'employee' | 'contact', limit = 100): Promise<PersonRow[]> {
  return db
    .select({
      id: people.id,
      firstName: people.firstName,
      lastName: people.lastName,
      email: people.email,
      status: people.status,
      source: people.source,
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
    .where(and(eq(people.organizationId, organizationId), eq(people.type, type)))
    .orderBy(asc(people.lastName), asc(people.firstName), asc(people.id))
    .limit(limit);
}
