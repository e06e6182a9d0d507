import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { listEvents, logFiltersSchema } from '@/lib/audit/log';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { normalizeIdentity } from '@/lib/provisioning/normalize';
import { provisionLogin } from '@/lib/users/provision';
import { testDb } from './db';

const { db } = testDb();
const org: Record<string, string> = {};
const filters = (q: Record<string, string> = {}) => logFiltersSchema.parse(q);
let deniedRef = '';

beforeAll(async () => {
  await seedDemo(db);
  for (const o of await db.select().from(s.organizations)) org[o.slug] = o.id;
  const [reader] = await db.select().from(s.securityRoles).where(eq(s.securityRoles.name, 'Read Only'));
  await db.update(s.provisioningSettings).set({ kaseyaOneLoginEnabled: true, autoCreationEnabled: true, defaultSecurityRoleId: reader!.id }).where(eq(s.provisioningSettings.organizationId, org.acme!));
  const k1 = (email: string, partnerOrgId = 'k1-partner-acme') => normalizeIdentity('kaseyaone', 'k1', { id: email, email, firstName: 'Log', lastName: 'Test', partnerOrgId });
  await provisionLogin(db, { organizationId: org.acme!, identity: k1('log.created@acme.example') });
  const denied = await provisionLogin(db, { organizationId: org.acme!, identity: k1('log.denied@acme.example', 'k1-someone-else') });
  deniedRef = denied.eventId;
  await provisionLogin(db, { organizationId: org.globex!, identity: k1('globex.user@globex.example', 'k1-partner-globex') });
});

describe('provisioning log', () => {
  it("lists one organization's events, newest first, with a readable diff", async () => {
    const page = await listEvents(db, org.acme!, filters());
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r.type)).toEqual(['login_denied', 'person_created']);
    const created = page.rows[1]!;
    expect(created.personEmail).toBe('log.created@acme.example');
    expect(created.diff).toContainEqual({ field: 'securityRoleId', label: 'Security Role', before: '—', after: 'Read Only' });
    expect(created.diff).toContainEqual({ field: 'type', label: 'User type', before: '—', after: 'Employee' });
    expect((await listEvents(db, org.globex!, filters())).rows.every((r) => r.personEmail !== 'log.created@acme.example')).toBe(true);
  });

  it('finds the event behind a denial page reference, only in its own organization', async () => {
    const hit = await listEvents(db, org.acme!, filters({ ref: deniedRef }));
    expect(hit.rows).toHaveLength(1);
    expect(hit.rows[0]).toMatchObject({ reasonCode: 'other_org', personEmail: 'log.denied@acme.example' });
    expect((await listEvents(db, org.globex!, filters({ ref: deniedRef }))).total).toBe(0);
  });

  it('filters by type, reason, source, person and date', async () => {
    expect((await listEvents(db, org.acme!, filters({ type: 'person_created' }))).total).toBe(1);
    expect((await listEvents(db, org.acme!, filters({ reason: 'other_org' }))).total).toBe(1);
    expect((await listEvents(db, org.acme!, filters({ source: 'sso' }))).total).toBe(0);
    expect((await listEvents(db, org.acme!, filters({ person: 'LOG.DENIED' }))).total).toBe(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listEvents(db, org.acme!, filters({ from: today, to: today }))).total).toBe(2);
    expect((await listEvents(db, org.acme!, filters({ to: '2000-01-01' }))).total).toBe(0);
  });

  it('ignores malformed filters instead of failing, and caps the page size at 100', () => {
    expect(filters({ ref: 'not-a-uuid', type: 'nope', pageSize: '5000', page: '-3' })).toMatchObject({ ref: undefined, type: undefined, pageSize: 25, page: 1 });
    expect(filters({ pageSize: '100' }).pageSize).toBe(100);
  });
});
