import { and, count, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '@/lib/auth/password';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { testDb } from './db';

const { db } = testDb();

async function orgBySlug(slug: string) {
  const [org] = await db.select().from(s.organizations).where(eq(s.organizations.slug, slug));
  return org!;
}

describe('demo seed', () => {
  it('creates Acme MSP and Globex IT with every lookup, and is idempotent', async () => {
    expect(await seedDemo(db)).toEqual({ created: ['acme', 'globex'], skipped: [] });
    const snapshot = async () => [(await db.select({ n: count() }).from(s.people))[0]!.n, (await db.select({ n: count() }).from(s.kaseyaOneOrganizations))[0]!.n];
    const before = await snapshot();
    expect(await seedDemo(db)).toEqual({ created: [], skipped: ['acme', 'globex'] });
    expect(await snapshot()).toEqual(before);

    const acme = await orgBySlug('acme');
    expect(acme.name).toBe('Acme MSP');
    for (const table of [s.departments, s.locations, s.jobTitles, s.employmentTypes, s.employeeRoles]) {
      const [{ n }] = (await db.select({ n: count() }).from(table).where(eq(table.organizationId, acme.id))) as [{ n: number }];
      expect(n).toBeGreaterThanOrEqual(3);
    }
    const accounts = await db.select().from(s.clientAccounts).where(eq(s.clientAccounts.organizationId, acme.id));
    expect(accounts).toHaveLength(2);
    // KaseyaOne Settings › Organizations has something to show: some mapped to an Account, some not.
    const k1 = await db.select().from(s.kaseyaOneOrganizations).where(eq(s.kaseyaOneOrganizations.organizationId, acme.id));
    expect(k1.length).toBeGreaterThanOrEqual(3);
    expect(k1.filter((k) => k.clientAccountId).every((k) => accounts.some((a) => a.id === k.clientAccountId))).toBe(true);
    expect(k1.some((k) => k.clientAccountId) && k1.some((k) => !k.clientAccountId)).toBe(true);
    const roles = await db.select().from(s.securityRoles).where(eq(s.securityRoles.organizationId, acme.id));
    expect(roles.length).toBeGreaterThanOrEqual(3);
    expect(roles.some((r) => r.isAdmin)).toBe(true);
    expect(roles.some((r) => !r.isAdmin && r.accessLevel === 0)).toBe(true);

    const [root] = await db.select().from(s.people).where(eq(s.people.id, acme.rootPersonId!));
    expect(root!.email).toBe('root@acme.example');
    expect(await verifyPassword('acme-demo-admin', root!.passwordHash)).toBe(true);

    const [tech] = await db.select().from(s.people).where(sql`lower(${s.people.email}) = 'tech@acme.example'`);
    expect(await verifyPassword('acme-demo-tech', tech!.passwordHash)).toBe(true);
    const techRole = roles.find((r) => r.id === tech!.securityRoleId)!;
    expect(techRole.isAdmin).toBe(false);

    const kinds = await db
      .select({ type: s.people.type, n: count() })
      .from(s.people)
      .where(eq(s.people.organizationId, acme.id))
      .groupBy(s.people.type);
    expect(Object.fromEntries(kinds.map((k) => [k.type, k.n]))).toMatchObject({ employee: expect.any(Number), contact: expect.any(Number) });
    expect(kinds.every((k) => k.n >= 2)).toBe(true);

    const globex = await orgBySlug('globex');
    const [gRoot] = await db.select().from(s.people).where(and(eq(s.people.organizationId, globex.id), eq(s.people.id, globex.rootPersonId!)));
    expect(gRoot!.email).toBe('root@globex.example');
    expect(await verifyPassword('globex-demo-admin', gRoot!.passwordHash)).toBe(true);
  });
});
