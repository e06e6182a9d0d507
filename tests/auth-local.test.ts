import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticateLocal } from '@/lib/auth/local';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { testDb } from './db';

const { db } = testDb();
beforeAll(async () => {
  await seedDemo(db);
});

describe('local sign-in', () => {
  it('signs in the root user as an admin of Acme and records the login time', async () => {
    const now = new Date('2026-11-25T10:00:00Z');
    const res = await authenticateLocal(db, 'root@acme.example', 'acme-demo-admin', now);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const [acme] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme'));
    expect(res.person).toMatchObject({ organizationId: acme!.id, email: 'root@acme.example', isAdmin: true });
    const [p] = await db.select().from(s.people).where(eq(s.people.id, res.person.id));
    expect(p!.lastLoginAt?.toISOString()).toBe(now.toISOString());
  });

  it('compares the email case-insensitively', async () => {
    const res = await authenticateLocal(db, 'ROOT@Acme.Example', 'acme-demo-admin');
    expect(res.ok).toBe(true);
  });

  it('signs in the technician without the admin grant', async () => {
    const res = await authenticateLocal(db, 'tech@acme.example', 'acme-demo-tech');
    expect(res).toMatchObject({ ok: true, person: { isAdmin: false } });
  });

  it('refuses a wrong password and an unknown email with the same code', async () => {
    expect(await authenticateLocal(db, 'root@acme.example', 'wrong')).toEqual({ ok: false, code: 'invalid' });
    expect(await authenticateLocal(db, 'nobody@acme.example', 'acme-demo-admin')).toEqual({ ok: false, code: 'invalid' });
  });

  it('refuses an inactive person who knows the password', async () => {
    const [tech] = await db.select().from(s.people).where(sql`lower(${s.people.email}) = 'tech@acme.example'`);
    await db.update(s.people).set({ status: 'inactive' }).where(and(eq(s.people.organizationId, tech!.organizationId), eq(s.people.id, tech!.id)));
    expect(await authenticateLocal(db, 'tech@acme.example', 'acme-demo-tech')).toEqual({ ok: false, code: 'inactive' });
    await db.update(s.people).set({ status: 'active' }).where(and(eq(s.people.organizationId, tech!.organizationId), eq(s.people.id, tech!.id)));
  });

  it('refuses everyone in an inactive organization', async () => {
    await db.update(s.organizations).set({ status: 'inactive' }).where(eq(s.organizations.slug, 'globex'));
    expect(await authenticateLocal(db, 'root@globex.example', 'globex-demo-admin')).toEqual({ ok: false, code: 'inactive' });
    await db.update(s.organizations).set({ status: 'active' }).where(eq(s.organizations.slug, 'globex'));
    expect((await authenticateLocal(db, 'root@globex.example', 'globex-demo-admin')).ok).toBe(true);
  });
});
