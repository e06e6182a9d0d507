import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { getPerson, updatePersonAdmin } from '@/lib/people/person';
import { testDb } from './db';

const { db } = testDb();
const org: Record<string, { id: string; root: string }> = {};
let bob = '';

beforeAll(async () => {
  await seedDemo(db);
  for (const o of await db.select().from(s.organizations)) org[o.slug] = { id: o.id, root: o.rootPersonId! };
  bob = (await db.select().from(s.people).where(eq(s.people.email, 'bob.martin@acme.example')))[0]!.id;
});

describe('person administration', () => {
  it('deactivates and reactivates, each with its event', async () => {
    expect(await updatePersonAdmin(db, org.acme!.id, org.acme!.root, { personId: bob, status: 'inactive' })).toEqual({ ok: true });
    expect((await getPerson(db, org.acme!.id, bob))!.status).toBe('inactive');
    await updatePersonAdmin(db, org.acme!.id, org.acme!.root, { personId: bob, status: 'active' });
    const events = await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.personId, bob));
    expect(events.map((e) => e.type).sort()).toEqual(['person_deactivated', 'person_reactivated']);
  });

  it('locks fields (sorted, deduplicated) and records the change', async () => {
    await updatePersonAdmin(db, org.acme!.id, org.acme!.root, { personId: bob, lockedFields: ['securityRoleId', 'firstName', 'firstName'] });
    expect((await getPerson(db, org.acme!.id, bob))!.lockedFields).toEqual(['firstName', 'securityRoleId']);
  });

  it('refuses to deactivate the root user', async () => {
    expect(await updatePersonAdmin(db, org.acme!.id, org.acme!.root, { personId: org.acme!.root, status: 'inactive' })).toEqual({ ok: false, error: 'The root user cannot be deactivated.' });
  });

  it("another organization's person is not found and stays untouched", async () => {
    expect(await getPerson(db, org.globex!.id, bob)).toBeNull();
    expect(await updatePersonAdmin(db, org.globex!.id, org.globex!.root, { personId: bob, status: 'inactive' })).toMatchObject({ ok: false, notFound: true });
    expect((await getPerson(db, org.acme!.id, bob))!.status).toBe('active');
  });
});
