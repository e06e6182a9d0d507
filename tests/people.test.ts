import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { listPeople } from '@/lib/people/queries';
import { testDb } from './db';

const { db } = testDb();
const org: Record<string, string> = {};

beforeAll(async () => {
  await seedDemo(db);
  for (const o of await db.select().from(s.organizations)) org[o.slug] = o.id;
  await db.insert(s.people).values(
    Array.from({ length: 45 }, (_, i) => ({
      organizationId: org.acme!,
      type: 'employee' as const,
      firstName: `Bulk${String(i).padStart(2, '0')}`,
      lastName: 'Zimmer',
      email: `bulk${i}@acme.example`,
      source: i % 3 === 0 ? ('azure_ad' as const) : ('sso_jit' as const),
      status: i % 5 === 0 ? ('inactive' as const) : ('active' as const),
      lastLoginAt: i % 2 ? new Date(Date.UTC(2026, 10, 1, 0, i)) : null,
    })),
  );
});

describe('people lists (one pagination contract)', () => {
  it('pages through an organization: { rows, total }, pageSize ≤ 100', async () => {
    const first = await listPeople(db, org.acme!, 'employee', { pageSize: 20 });
    expect(first.total).toBe(50); // 5 seeded + 45
    expect(first.rows).toHaveLength(20);
    const third = await listPeople(db, org.acme!, 'employee', { pageSize: 20, page: 3 });
    expect(third.rows).toHaveLength(10);
    const ids = new Set([...first.rows, ...(await listPeople(db, org.acme!, 'employee', { pageSize: 20, page: 2 })).rows, ...third.rows].map((r) => r.id));
    expect(ids.size).toBe(50);
    expect((await listPeople(db, org.acme!, 'employee', { pageSize: 1000 as number })).pageSize).toBe(25);
  });

  it('searches name or email case-insensitively, with LIKE wildcards taken literally', async () => {
    expect((await listPeople(db, org.acme!, 'employee', { q: 'ALICE' })).rows.map((r) => r.email)).toEqual(['alice.nguyen@acme.example']);
    expect((await listPeople(db, org.acme!, 'employee', { q: 'bulk07 zim' })).total).toBe(1);
    expect((await listPeople(db, org.acme!, 'employee', { q: '%' })).total).toBe(0);
    expect((await listPeople(db, org.acme!, 'contact', { q: 'initech' })).total).toBe(2);
  });

  it('filters by status and source, and sorts', async () => {
    expect((await listPeople(db, org.acme!, 'employee', { status: 'inactive' })).total).toBe(10); // carol + 9 bulk
    expect((await listPeople(db, org.acme!, 'employee', { source: 'azure_ad' })).total).toBe(15);
    const byEmailDesc = (await listPeople(db, org.acme!, 'employee', { sort: '-email', pageSize: 3 })).rows.map((r) => r.email);
    expect(byEmailDesc).toEqual(['tech@acme.example', 'root@acme.example', 'carol.diaz@acme.example']);
    const recent = (await listPeople(db, org.acme!, 'employee', { sort: '-lastLogin', pageSize: 2, source: 'sso_jit' })).rows.map((r) => r.firstName);
    expect(recent).toEqual(['Bulk43', 'Bulk41']);
  });

  it("never shows another organization's people", async () => {
    const globex = await listPeople(db, org.globex!, 'employee', { pageSize: 100 });
    expect(globex.total).toBe(2);
    expect(globex.rows.some((r) => r.email.endsWith('acme.example'))).toBe(false);
    expect((await listPeople(db, org.globex!, 'employee', { q: 'bulk' })).total).toBe(0);
  });
});
