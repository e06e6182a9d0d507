import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/auth/viewer';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { createDirectory, listDirectories } from '@/lib/scim/directories';
import { getJackson } from '@/lib/sso/jackson';
import { testDb } from './db';
import { SCHEMAS, scimClient } from './scim-fixture';

// The SCIM directory's mass-deactivation guard form (issue 12): the server action
// saveDirectoryGuardAction on a real PostgreSQL. Only the signed-in viewer is stubbed (next-auth
// needs a request, as in admin-action.test.ts) and Next's revalidatePath (it needs a render).
const viewer = vi.hoisted(() => ({ current: null as Viewer | null }));
vi.mock('@/lib/auth/viewer', () => ({ getViewer: async () => viewer.current }));
const revalidated = vi.hoisted(() => [] as string[]);
vi.mock('next/cache', () => ({ revalidatePath: (path: string) => void revalidated.push(path) }));

const { saveDirectoryGuardAction } = await import('@/app/(console)/admin/auth-provision/actions');

const { db } = testDb();
const org: Record<string, { id: string; root: string }> = {};
const as = (slug: string, extra: Partial<Viewer> = {}): Viewer => ({
  personId: org[slug]!.root,
  organizationId: org[slug]!.id,
  organizationName: slug,
  email: `root@${slug}.example`,
  name: 'Root',
  isAdmin: true,
  isRoot: true,
  twoFactorEnabled: false,
  mustEnrollTwoFactor: false,
  ...extra,
});

beforeAll(async () => {
  await seedDemo(db);
  for (const o of await db.select().from(s.organizations)) org[o.slug] = { id: o.id, root: o.rootPersonId! };
});
afterAll(async () => {
  await (await getJackson()).close();
});
beforeEach(() => {
  revalidated.length = 0;
});

const guardOf = async (id: string) => {
  const [row] = await db.select({ guardPercent: s.scimDirectories.guardPercent, guardMinimum: s.scimDirectories.guardMinimum }).from(s.scimDirectories).where(eq(s.scimDirectories.id, id));
  return row;
};
const guardEvents = (organizationId: string) =>
  db
    .select()
    .from(s.provisioningEvents)
    .where(and(eq(s.provisioningEvents.organizationId, organizationId), eq(s.provisioningEvents.type, 'settings_changed'), sql`${s.provisioningEvents.detail}->>'what' = 'scim_directory.guard'`));

describe('saveDirectoryGuardAction', () => {
  it('saves the percent and minimum as the form sends them (text), lists them, audits before → after, and a same-value save records nothing', async () => {
    const dir = await createDirectory(db, org.acme!.id, { name: `Guard save ${randomBytes(3).toString('hex')}`, provider: 'okta-scim-v2' });
    expect(await guardOf(dir.id)).toEqual({ guardPercent: 20, guardMinimum: 10 });
    viewer.current = as('acme');

    expect(await saveDirectoryGuardAction({ id: dir.id, guardPercent: '10', guardMinimum: '2' })).toEqual({ ok: true });
    expect(await guardOf(dir.id)).toEqual({ guardPercent: 10, guardMinimum: 2 });
    expect(revalidated).toEqual(['/admin/auth-provision']);
    expect((await listDirectories(db, org.acme!.id)).find((d) => d.id === dir.id)).toMatchObject({ guardPercent: 10, guardMinimum: 2 });
    const events = (await guardEvents(org.acme!.id)).filter((e) => (e.detail as { directoryId?: string }).directoryId === dir.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: 'admin', actorPersonId: org.acme!.root, diff: { 'scim_directory.guard': { before: { guardPercent: 20, guardMinimum: 10 }, after: { guardPercent: 10, guardMinimum: 2 } } } });

    expect(await saveDirectoryGuardAction({ id: dir.id, guardPercent: 10, guardMinimum: 2 })).toEqual({ ok: true });
    expect((await guardEvents(org.acme!.id)).filter((e) => (e.detail as { directoryId?: string }).directoryId === dir.id)).toHaveLength(1);
  });

  it('refuses bad values with one message per field and changes nothing', async () => {
    const dir = await createDirectory(db, org.acme!.id, { name: `Guard bad ${randomBytes(3).toString('hex')}`, provider: 'generic-scim-v2' });
    viewer.current = as('acme');
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      [{ guardPercent: '0', guardMinimum: '2' }, { guardPercent: 'Between 1 and 100.' }],
      [{ guardPercent: '150', guardMinimum: '2' }, { guardPercent: 'Between 1 and 100.' }],
      [{ guardPercent: '12.5', guardMinimum: '2' }, { guardPercent: 'Enter a whole percentage.' }],
      [{ guardPercent: '', guardMinimum: '2' }, { guardPercent: 'Enter a percentage.' }],
      [{ guardPercent: '10', guardMinimum: '' }, { guardMinimum: 'Enter a number of people.' }],
      [{ guardPercent: '10', guardMinimum: '0' }, { guardMinimum: 'At least 1.' }],
      [{ guardPercent: '10', guardMinimum: 'ten' }, { guardMinimum: 'Enter a number of people.' }],
      [{ guardPercent: '10', guardMinimum: '100001' }, { guardMinimum: 'At most 100,000.' }],
      [{ guardPercent: '0', guardMinimum: '' }, { guardPercent: 'Between 1 and 100.', guardMinimum: 'Enter a number of people.' }],
    ];
    for (const [values, fieldErrors] of cases) {
      expect(await saveDirectoryGuardAction({ id: dir.id, ...values }), JSON.stringify(values)).toEqual({ ok: false, error: 'Check the highlighted fields.', fieldErrors });
    }
    expect(await saveDirectoryGuardAction({ id: 'not-a-uuid', guardPercent: '10', guardMinimum: '2' })).toMatchObject({ ok: false, fieldErrors: { id: expect.any(String) } });
    expect(await guardOf(dir.id)).toEqual({ guardPercent: 20, guardMinimum: 10 });
    expect((await guardEvents(org.acme!.id)).filter((e) => (e.detail as { directoryId?: string }).directoryId === dir.id)).toEqual([]);
    expect(revalidated).toEqual([]);
  });

  it('another organization’s directory id changes nothing and answers not found; a non-admin is refused', async () => {
    const dir = await createDirectory(db, org.acme!.id, { name: `Guard tenant ${randomBytes(3).toString('hex')}`, provider: 'okta-scim-v2' });
    viewer.current = as('globex');
    expect(await saveDirectoryGuardAction({ id: dir.id, guardPercent: '5', guardMinimum: '1' })).toEqual({ ok: false, error: 'That directory no longer exists.' });
    viewer.current = as('acme', { isAdmin: false, isRoot: false });
    expect(await saveDirectoryGuardAction({ id: dir.id, guardPercent: '5', guardMinimum: '1' })).toEqual({ ok: false, error: 'You don’t have permission to change these settings.' });
    expect(await guardOf(dir.id)).toEqual({ guardPercent: 20, guardMinimum: 10 });
    expect(await guardEvents(org.globex!.id)).toEqual([]);
    expect((await guardEvents(org.acme!.id)).filter((e) => (e.detail as { directoryId?: string }).directoryId === dir.id)).toEqual([]);
    expect(revalidated).toEqual([]);
  });

  it('the saved values are the ones the guard applies to the next pushes', async () => {
    const acme = org.acme!.id;
    const domain = `guard-${randomBytes(3).toString('hex')}.example`;
    const [technician] = await db.select().from(s.securityRoles).where(and(eq(s.securityRoles.organizationId, acme), eq(s.securityRoles.name, 'Technician')));
    await db.insert(s.mappingRules).values({ organizationId: acme, kind: 'sso', domain, securityGroup: null, userType: 'employee', securityRoleId: technician!.id, position: 20 });
    const dir = await createDirectory(db, acme, { name: `Guard push ${domain}`, provider: 'okta-scim-v2' });
    const scim = scimClient(db, dir.id, dir.token);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await scim('POST', 'Users', { schemas: [SCHEMAS.user], userName: `u${i}@${domain}`, active: true })).body.id);
    const off = (i: number) => scim('PATCH', `Users/${ids[i]}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'replace', value: { active: false } }] });
    const status = async (i: number) => (await db.select({ status: s.people.status }).from(s.people).where(sql`lower(${s.people.email}) = ${`u${i}@${domain}`}`))[0]!.status;

    // With the defaults (at least 10), two deactivations of five are applied.
    await off(0);
    await off(1);
    expect([await status(0), await status(1)]).toEqual(['inactive', 'inactive']);

    viewer.current = as('acme');
    expect(await saveDirectoryGuardAction({ id: dir.id, guardPercent: '10', guardMinimum: '3' })).toEqual({ ok: true });
    // 3 within 10 minutes ≥ 3, and 3 of 5 > 10 %: held.
    await off(2);
    expect(await status(2)).toBe('active');
    expect((await listDirectories(db, acme)).find((d) => d.id === dir.id)).toMatchObject({ held: 1, guardPercent: 10, guardMinimum: 3 });
  });
});
