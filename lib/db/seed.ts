import { and, eq } from 'drizzle-orm';
import { hashPassword } from '@/lib/auth/password';
import type { Db, Tx } from './client';
import * as s from './schema';

// The demo data. These credentials exist only here and in the README.

type LookupTable = typeof s.departments;

type DemoPerson = {
  email: string;
  firstName: string;
  lastName: string;
  type: 'employee' | 'contact';
  role?: string;
  department?: string;
  location?: string;
  jobTitle?: string;
  employmentType?: string;
  employeeRole?: string;
  account?: string;
  status?: 'active' | 'inactive';
  password?: string;
  phone?: string;
};

type DemoOrg = {
  slug: string;
  name: string;
  kaseyaOneOrgId: string;
  domains: string[];
  lookups: {
    departments: string[];
    locations: string[];
    jobTitles: string[];
    employmentTypes: string[];
    employeeRoles: string[];
    clientAccounts: string[];
  };
  roles: { name: string; accessLevel: number; isAdmin: boolean }[];
  root: string;
  people: DemoPerson[];
  /** KaseyaOne customer organizations (KaseyaOne Settings › Organizations), some mapped to an Account. */
  kaseyaOneOrgs?: { externalId: string; name: string; account?: string }[];
};

export const DEMO_ORGS: DemoOrg[] = [
  {
    slug: 'acme',
    name: 'Acme MSP',
    kaseyaOneOrgId: 'k1-partner-acme',
    domains: ['acme.example'],
    lookups: {
      departments: ['Service Desk', 'Projects', 'Finance', 'Sales'],
      locations: ['Head Office', 'Remote', 'Branch North'],
      jobTitles: ['Technician', 'Service Manager', 'Account Manager', 'Systems Engineer'],
      employmentTypes: ['Full-time', 'Part-time', 'Contractor'],
      employeeRoles: ['Level 1 Support', 'Level 2 Support', 'Project Engineer'],
      clientAccounts: ['Initech', 'Umbrella Health'],
    },
    roles: [
      { name: 'Administrator', accessLevel: 100, isAdmin: true },
      { name: 'Service Manager', accessLevel: 60, isAdmin: false },
      { name: 'Technician', accessLevel: 30, isAdmin: false },
      { name: 'Read Only', accessLevel: 0, isAdmin: false },
    ],
    root: 'root@acme.example',
    people: [
      { email: 'root@acme.example', firstName: 'Ava', lastName: 'Root', type: 'employee', role: 'Administrator', department: 'Service Desk', location: 'Head Office', jobTitle: 'Service Manager', employmentType: 'Full-time', employeeRole: 'Level 2 Support', password: 'acme-demo-admin' },
      { email: 'tech@acme.example', firstName: 'Theo', lastName: 'Tech', type: 'employee', role: 'Technician', department: 'Service Desk', location: 'Remote', jobTitle: 'Technician', employmentType: 'Full-time', employeeRole: 'Level 1 Support', password: 'acme-demo-tech' },
      { email: 'alice.nguyen@acme.example', firstName: 'Alice', lastName: 'Nguyen', type: 'employee', role: 'Service Manager', department: 'Projects', location: 'Head Office', jobTitle: 'Systems Engineer', employmentType: 'Full-time', employeeRole: 'Project Engineer', phone: '+1 555 0101' },
      { email: 'bob.martin@acme.example', firstName: 'Bob', lastName: 'Martin', type: 'employee', role: 'Technician', department: 'Service Desk', location: 'Branch North', jobTitle: 'Technician', employmentType: 'Part-time', employeeRole: 'Level 1 Support' },
      { email: 'carol.diaz@acme.example', firstName: 'Carol', lastName: 'Díaz', type: 'employee', role: 'Read Only', department: 'Finance', location: 'Head Office', jobTitle: 'Account Manager', employmentType: 'Contractor', employeeRole: 'Level 1 Support', status: 'inactive' },
      { email: 'peter.gibbons@initech.example', firstName: 'Peter', lastName: 'Gibbons', type: 'contact', role: 'Read Only', account: 'Initech', phone: '+1 555 0199' },
      { email: 'joanna@initech.example', firstName: 'Joanna', lastName: 'Martin', type: 'contact', role: 'Read Only', account: 'Initech' },
      { email: 'sam.jones@umbrella-health.example', firstName: 'Sam', lastName: 'Jones', type: 'contact', role: 'Read Only', account: 'Umbrella Health' },
    ],
    kaseyaOneOrgs: [
      { externalId: 'k1-org-10041', name: 'Initech', account: 'Initech' },
      { externalId: 'k1-org-10057', name: 'Umbrella Health Group', account: 'Umbrella Health' },
      { externalId: 'k1-org-10112', name: 'Vandelay Industries' },
      { externalId: 'k1-org-10230', name: 'Pendant Publishing' },
    ],
  },
  {
    slug: 'globex',
    name: 'Globex IT',
    kaseyaOneOrgId: 'k1-partner-globex',
    domains: ['globex.example'],
    lookups: {
      departments: ['Operations', 'Support', 'Billing'],
      locations: ['Springfield', 'Cypress Creek', 'Remote'],
      jobTitles: ['Engineer', 'Dispatcher', 'Director'],
      employmentTypes: ['Full-time', 'Part-time', 'Contractor'],
      employeeRoles: ['Tier 1', 'Tier 2', 'Tier 3'],
      clientAccounts: ['Hank Industries', 'Scorpio Holdings'],
    },
    roles: [
      { name: 'Administrator', accessLevel: 100, isAdmin: true },
      { name: 'Engineer', accessLevel: 40, isAdmin: false },
      { name: 'Basic', accessLevel: 0, isAdmin: false },
    ],
    root: 'root@globex.example',
    people: [
      { email: 'root@globex.example', firstName: 'Gus', lastName: 'Root', type: 'employee', role: 'Administrator', department: 'Operations', location: 'Springfield', jobTitle: 'Director', employmentType: 'Full-time', employeeRole: 'Tier 3', password: 'globex-demo-admin' },
      { email: 'gina.ross@globex.example', firstName: 'Gina', lastName: 'Ross', type: 'employee', role: 'Engineer', department: 'Support', location: 'Remote', jobTitle: 'Engineer', employmentType: 'Full-time', employeeRole: 'Tier 2' },
      { email: 'hank.scorpio@hank-industries.example', firstName: 'Hank', lastName: 'Scorpio', type: 'contact', role: 'Basic', account: 'Hank Industries' },
    ],
  },
];

/**
 * Seeds the demo organizations in one transaction. Idempotent: an organization whose
 * slug exists is left exactly as it is (an admin may have changed it since).
 */
export async function seedDemo(db: Db): Promise<{ created: string[]; skipped: string[] }> {
  const created: string[] = [];
  const skipped: string[] = [];
  const hashes = new Map<string, string>();
  for (const org of DEMO_ORGS) {
    for (const p of org.people) if (p.password) hashes.set(p.email, await hashPassword(p.password));
  }
  await db.transaction(async (tx) => {
    for (const org of DEMO_ORGS) {
      (await seedOrg(tx, org, hashes)) ? created.push(org.slug) : skipped.push(org.slug);
    }
  });
  return { created, skipped };
}

async function seedOrg(tx: Tx, org: DemoOrg, hashes: Map<string, string>): Promise<boolean> {
  const [row] = await tx
    .insert(s.organizations)
    .values({ slug: org.slug, name: org.name, kaseyaOneOrgId: org.kaseyaOneOrgId, verifiedDomains: org.domains, products: ['psa'] })
    .onConflictDoNothing({ target: s.organizations.slug })
    .returning({ id: s.organizations.id });
  if (!row) return false;
  const organizationId = row.id;

  const lookup = async (table: LookupTable, names: string[]) => {
    const rows = await tx
      .insert(table)
      .values(names.map((name) => ({ organizationId, name })))
      .returning({ id: table.id, name: table.name });
    return new Map(rows.map((r) => [r.name, r.id]));
  };
  const ids = {
    departments: await lookup(s.departments, org.lookups.departments),
    locations: await lookup(s.locations, org.lookups.locations),
    jobTitles: await lookup(s.jobTitles, org.lookups.jobTitles),
    employmentTypes: await lookup(s.employmentTypes, org.lookups.employmentTypes),
    employeeRoles: await lookup(s.employeeRoles, org.lookups.employeeRoles),
    clientAccounts: await lookup(s.clientAccounts, org.lookups.clientAccounts),
  };
  const roleRows = await tx
    .insert(s.securityRoles)
    .values(org.roles.map((r) => ({ organizationId, ...r })))
    .returning({ id: s.securityRoles.id, name: s.securityRoles.name });
  const roles = new Map(roleRows.map((r) => [r.name, r.id]));
  const pick = (m: Map<string, string>, name: string | undefined) => {
    if (name === undefined) return null;
    const found = m.get(name);
    if (!found) throw new Error(`seed: unknown lookup value "${name}" in ${org.slug}`);
    return found;
  };

  const personIds = new Map<string, string>();
  for (const p of org.people) {
    const [person] = await tx
      .insert(s.people)
      .values({
        organizationId,
        type: p.type,
        status: p.status ?? 'active',
        source: 'local',
        firstName: p.firstName,
        lastName: p.lastName,
        email: p.email,
        username: p.email.split('@')[0],
        phone: p.phone ?? null,
        phoneType: p.phone ? 'office' : null,
        securityRoleId: pick(roles, p.role),
        departmentId: pick(ids.departments, p.department),
        locationId: pick(ids.locations, p.location),
        jobTitleId: pick(ids.jobTitles, p.jobTitle),
        employmentTypeId: pick(ids.employmentTypes, p.employmentType),
        employeeRoleId: pick(ids.employeeRoles, p.employeeRole),
        clientAccountId: pick(ids.clientAccounts, p.account),
        passwordHash: hashes.get(p.email) ?? null,
      })
      .returning({ id: s.people.id });
    personIds.set(p.email, person!.id);
  }
  const rootId = personIds.get(org.root)!;
  // Everyone on the service desk reports to the root user, so Manager has a value to show.
  for (const p of org.people) {
    if (p.type === 'employee' && p.email !== org.root) {
      await tx
        .update(s.people)
        .set({ managerId: rootId })
        .where(and(eq(s.people.organizationId, organizationId), eq(s.people.id, personIds.get(p.email)!)));
    }
  }
  await tx.update(s.organizations).set({ rootPersonId: rootId }).where(eq(s.organizations.id, organizationId));
  await tx.insert(s.provisioningSettings).values({ organizationId });
  if (org.kaseyaOneOrgs?.length) {
    await tx
      .insert(s.kaseyaOneOrganizations)
      .values(org.kaseyaOneOrgs.map((k) => ({ organizationId, externalId: k.externalId, name: k.name, clientAccountId: pick(ids.clientAccounts, k.account) })));
  }
  return true;
}
