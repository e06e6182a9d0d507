import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { listPeople } from '@/lib/people/queries';
import { testDb } from './db';

const { db, sql } = testDb();
const orgs: Record<string, string> = {};
beforeAll(async () => {
  await seedDemo(db);
  for (const o of await db.select().from(s.organizations)) orgs[o.slug] = o.id;
});

function pgCode(err: unknown): string | undefined {
  let e = err as { code?: string; cause?: unknown } | undefined;
  while (e && !e.code && e.cause) e = e.cause as typeof e;
  return e?.code;
}

describe('schema rules', () => {
  it('keeps email unique across the whole platform, whatever its case', async () => {
    const err = await db
      .insert(s.people)
      .values({ organizationId: orgs.globex!, type: 'employee', email: 'Alice.Nguyen@ACME.example' })
      .catch((e: unknown) => e);
    expect(pgCode(err)).toBe('23505');
  });

  it('keeps an external id unique per source and issuer, and allows the same id from another issuer', async () => {
    const [alice] = await db.select().from(s.people).where(eq(s.people.email, 'alice.nguyen@acme.example'));
    const [gina] = await db.select().from(s.people).where(eq(s.people.email, 'gina.ross@globex.example'));
    await db.insert(s.personIdentities).values({ organizationId: orgs.acme!, personId: alice!.id, source: 'sso', scope: 'idp-a', externalId: 'jdoe' });
    const dup = await db
      .insert(s.personIdentities)
      .values({ organizationId: orgs.globex!, personId: gina!.id, source: 'sso', scope: 'idp-a', externalId: 'jdoe' })
      .catch((e: unknown) => e);
    expect(pgCode(dup)).toBe('23505');
    await db.insert(s.personIdentities).values({ organizationId: orgs.globex!, personId: gina!.id, source: 'sso', scope: 'idp-b', externalId: 'jdoe' });
  });

  it('reserves the jackson schema and keeps app tables in public', async () => {
    const schemas = await sql`select nspname from pg_namespace where nspname in ('jackson', 'public') order by 1`;
    expect(schemas.map((r) => r.nspname)).toEqual(['jackson', 'public']);
    const appTables = await sql`select table_schema from information_schema.tables where table_name = 'people'`;
    expect(appTables.map((r) => r.table_schema)).toEqual(['public']);
  });

  it("lists only the organization's own people", async () => {
    const acmeEmployees = (await listPeople(db, orgs.acme!, 'employee')).rows;
    const globexEmployees = (await listPeople(db, orgs.globex!, 'employee')).rows;
    expect(acmeEmployees.map((p) => p.email)).toContain('alice.nguyen@acme.example');
    expect(acmeEmployees.some((p) => p.email.endsWith('globex.example'))).toBe(false);
    expect(globexEmployees.map((p) => p.email).sort()).toEqual(['gina.ross@globex.example', 'root@globex.example']);
    const acmeContacts = (await listPeople(db, orgs.acme!, 'contact')).rows;
    expect(acmeContacts.find((p) => p.email === 'peter.gibbons@initech.example')?.account).toBe('Initech');
  });
});
