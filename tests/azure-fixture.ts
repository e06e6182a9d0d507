import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { completeConsent, saveConnection, startConsent } from '@/lib/azure/connections';
import type { Db } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { reloadEnv } from '@/lib/env';
import { saveRule } from '@/lib/settings/mapping-rules';
import type { FakeGraph } from '@/e2e/graph/fake-graph';

// A connected Azure AD connection against the fake Microsoft endpoints, through the
// same admin path a browser takes: save, consent redirect, verification.

export const TENANT = 'contoso.onmicrosoft.com';
export const APP_ID = '11111111-2222-4333-8444-555555555555';
export const SECRET = 'Q~fake-secret-value-0123456789';

export function pointAzureAt(fake: FakeGraph) {
  process.env.AZURE_LOGIN_URL = fake.loginUrl;
  process.env.AZURE_GRAPH_URL = fake.graphUrl;
  reloadEnv();
}

export async function connect(db: Db, organizationId: string, actor: string, overrides: Record<string, unknown> = {}) {
  const saved = await saveConnection(db, organizationId, actor, {
    tenant: TENANT,
    applicationId: APP_ID,
    applicationKey: SECRET,
    emailSource: 'mail',
    intervalSeconds: 60,
    guardPercent: 20,
    guardMinimum: 10,
    maxFailures: 5,
    ...overrides,
  });
  if (!saved.ok) throw new Error(`saveConnection: ${JSON.stringify(saved)}`);
  const consent = await consentRoundTrip(db, organizationId, saved.id);
  return { id: saved.id, consent };
}

/** Follows the admin-consent redirect the way the browser would and hands the answer back. */
export async function consentRoundTrip(db: Db, organizationId: string, connectionId: string) {
  const started = await startConsent(db, organizationId, connectionId);
  if (!started.ok) throw new Error(started.error);
  const res = await fetch(started.url, { redirect: 'manual' });
  const back = new URL(res.headers.get('location')!);
  return completeConsent(db, organizationId, back.searchParams);
}

export async function azureRule(db: Db, organizationId: string, actor: string, rule: { group: string | null; userType: 'employee' | 'contact'; roleId: string; position: number; tenant?: string | null }) {
  const saved = await saveRule(
    db,
    organizationId,
    actor,
    { domain: rule.tenant ?? '', securityGroup: rule.group ?? '', userType: rule.userType, securityRoleId: rule.roleId, position: rule.position, departmentId: '', locationId: '', employeeRoleId: '' },
    'azure',
  );
  if (!saved.ok) throw new Error(`saveRule: ${JSON.stringify(saved)}`);
  return saved.id;
}

export async function connection(db: Db, id: string) {
  const [c] = await db.select().from(s.azureConnections).where(eq(s.azureConnections.id, id));
  return c!;
}

let n = 0;
/** A GUID-shaped id, unique within the test run. */
export function guid(): string {
  n++;
  return `${String(n).padStart(8, '0')}-aaaa-4bbb-8ccc-${process.pid.toString(16).padStart(12, '0').slice(-12)}`;
}

/** A tenant of its own per test: id, domain and the email domain of its users. */
export async function tenant(fake: FakeGraph, name: string) {
  const t = { tenantId: guid(), domain: `${name}.onmicrosoft.com`, mailDomain: `${name}.example` };
  await fake.addTenant({ tenantId: t.tenantId, domain: t.domain, apps: [{ appId: APP_ID, secret: SECRET }] });
  const user = (first: string, last: string, extra: Partial<Parameters<FakeGraph['upsertUser']>[1]> = {}) => {
    const login = `${first}.${last}`.toLowerCase();
    return { id: guid(), givenName: first, surname: last, userPrincipalName: `${login}@${t.domain}`, mail: `${login}@${t.mailDomain}`, accountEnabled: true, ...extra };
  };
  return { ...t, user };
}

/** A tenant with an Employees group (nested Support group inside) and a Contacts group, a connection to it, and rules for both. */
export async function scenario(db: Db, fake: FakeGraph, org: { id: string; actor: string; role: Record<string, string> }, name: string, extra: Record<string, unknown> = {}) {
  const t = await tenant(fake, name);
  const groups = { employees: guid(), support: guid(), contacts: guid() };
  await fake.addGroup(t.tenantId, { id: groups.employees, displayName: 'Employees' });
  await fake.addGroup(t.tenantId, { id: groups.support, displayName: 'Support' });
  await fake.addGroup(t.tenantId, { id: groups.contacts, displayName: 'Contacts' });
  await fake.addMember(t.tenantId, groups.employees, groups.support);
  const conn = await connect(db, org.id, org.actor, { tenant: t.domain, ...extra });
  expect(conn.consent).toMatchObject({ ok: true });
  await azureRule(db, org.id, org.actor, { tenant: t.domain, group: groups.employees, userType: 'employee', roleId: org.role['Technician']!, position: 20 });
  await azureRule(db, org.id, org.actor, { tenant: t.tenantId, group: groups.contacts, userType: 'contact', roleId: org.role['Client Portal']! ?? org.role['Technician']!, position: 30 });
  return { t, groups, connectionId: conn.id };
}
