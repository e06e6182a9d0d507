import { and, desc, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { describeChanges } from '@/lib/audit/log';
import { editPerson, getPerson, removePerson, restorePerson, updatePersonAdmin } from '@/lib/people/person';
import { listPeople } from '@/lib/people/queries';
import { normalizeIdentity } from '@/lib/provisioning/normalize';
import { provisionLogin } from '@/lib/users/provision';
import { loadLookupOptions } from '@/lib/settings/kaseyaone';
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

  it('Remove (with a reason) is a tombstone: deactivated, audited, JIT does not bring them back, filterable; Restore undoes it', async () => {
    const [readOnly] = await db.select().from(s.securityRoles).where(and(eq(s.securityRoles.organizationId, org.acme!.id), eq(s.securityRoles.name, 'Read Only')));
    await db.update(s.provisioningSettings).set({ kaseyaOneLoginEnabled: true, autoCreationEnabled: true, defaultSecurityRoleId: readOnly!.id }).where(eq(s.provisioningSettings.organizationId, org.acme!.id));
    await db.update(s.organizations).set({ kaseyaOneOrgId: 'k1-partner-acme' }).where(eq(s.organizations.id, org.acme!.id));
    const identity = normalizeIdentity('kaseyaone', 'k1', { id: 'k1-rita', email: 'rita.removed@acme.example', partnerOrgId: 'k1-partner-acme' });
    const created = await provisionLogin(db, { organizationId: org.acme!.id, identity });
    expect(created).toMatchObject({ outcome: 'allow', action: 'create' });
    const rita = (created as { personId: string }).personId;

    expect(await removePerson(db, org.acme!.id, org.acme!.root, { personId: rita, reason: ' ' })).toMatchObject({ ok: false, fieldErrors: { reason: 'Say why this person is removed: the log keeps it.' } });
    expect(await removePerson(db, org.acme!.id, org.acme!.root, { personId: org.acme!.root, reason: 'x' })).toEqual({ ok: false, error: 'The root user cannot be removed.' });
    expect(await removePerson(db, org.globex!.id, org.globex!.root, { personId: rita, reason: 'x' })).toMatchObject({ ok: false, notFound: true });
    expect(await removePerson(db, org.acme!.id, org.acme!.root, { personId: rita, reason: 'Left the company' })).toEqual({ ok: true, changed: ['removed', 'status'] });
    expect(await getPerson(db, org.acme!.id, rita)).toMatchObject({ status: 'inactive', removedReason: 'Left the company', removedAt: expect.any(Date) });
    const [removal] = await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.personId, rita)).orderBy(desc(s.provisioningEvents.createdAt)).limit(1);
    expect(removal).toMatchObject({ type: 'person_removed', actorPersonId: org.acme!.root, detail: { detail: 'Left the company' } });

    expect(await provisionLogin(db, { organizationId: org.acme!.id, identity })).toMatchObject({ outcome: 'deny', reason: 'person_removed' });
    expect(await updatePersonAdmin(db, org.acme!.id, org.acme!.root, { personId: rita, status: 'active' })).toEqual({ ok: false, error: 'This person was removed: restore them instead.' });
    const removedList = await listPeople(db, org.acme!.id, 'employee', { status: 'removed' });
    expect(removedList.rows.map((r) => r.id)).toEqual([rita]);
    expect(removedList.rows[0]!.removed).toBe(true);

    expect(await restorePerson(db, org.acme!.id, org.acme!.root, { personId: rita })).toEqual({ ok: true, changed: ['removed', 'status'] });
    expect(await getPerson(db, org.acme!.id, rita)).toMatchObject({ status: 'active', removedAt: null, removedReason: null });
    expect(await provisionLogin(db, { organizationId: org.acme!.id, identity })).toMatchObject({ outcome: 'allow' });
    expect((await listPeople(db, org.acme!.id, 'employee', { status: 'removed' })).total).toBe(0);
  });

  it("another organization's person is not found and stays untouched", async () => {
    expect(await getPerson(db, org.globex!.id, bob)).toBeNull();
    expect(await updatePersonAdmin(db, org.globex!.id, org.globex!.root, { personId: bob, status: 'inactive' })).toMatchObject({ ok: false, notFound: true });
    expect((await getPerson(db, org.acme!.id, bob))!.status).toBe('active');
  });
});

describe('editing a person', () => {
  const name = (opts: { id: string; name: string }[], n: string) => opts.find((o) => o.name === n)!.id;
  async function form(personId: string) {
    const p = (await getPerson(db, org.acme!.id, personId))!;
    return {
      personId,
      firstName: p.firstName,
      lastName: p.lastName,
      username: p.username ?? '',
      email: p.email,
      phone: p.phone ?? '',
      phoneType: p.phoneType ?? '',
      jobTitleId: p.jobTitleId ?? '',
      departmentId: p.departmentId ?? '',
      locationId: p.locationId ?? '',
      managerId: p.managerId ?? '',
      employmentTypeId: p.employmentTypeId ?? '',
      securityRoleId: p.securityRoleId ?? '',
      employeeRoleId: p.employeeRoleId ?? '',
      clientAccountId: p.clientAccountId ?? '',
    };
  }
  const lastEvent = async (personId: string) =>
    (await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.personId, personId)).orderBy(desc(s.provisioningEvents.createdAt)).limit(1))[0]!;

  it('saves names, username, email, phone and lookups, recorded as person_updated with each field before → after', async () => {
    const alice = (await db.select().from(s.people).where(eq(s.people.email, 'alice.nguyen@acme.example')))[0]!.id;
    const o = await loadLookupOptions(db, org.acme!.id);
    const res = await editPerson(db, org.acme!.id, org.acme!.root, {
      ...(await form(alice)),
      firstName: ' Alicia ',
      username: 'anguyen',
      phone: '+1 (555) 0102',
      jobTitleId: name(o.jobTitleId, 'Service Manager'),
      departmentId: name(o.departmentId, 'Service Desk'),
      locationId: '',
      securityRoleId: name(o.securityRoleId, 'Technician'),
      employeeRoleId: name(o.employeeRoleId, 'Level 2 Support'),
    });
    expect(res).toEqual({ ok: true, changed: ['firstName', 'username', 'phone', 'jobTitleId', 'departmentId', 'locationId', 'securityRoleId', 'employeeRoleId'] });
    expect(await getPerson(db, org.acme!.id, alice)).toMatchObject({ firstName: 'Alicia', lastName: 'Nguyen', username: 'anguyen', phone: '+1 (555) 0102', locationId: null });
    const event = await lastEvent(alice);
    expect(event).toMatchObject({ type: 'person_updated', source: 'admin', actorPersonId: org.acme!.root, detail: { what: 'person_edit' } });
    expect(event.diff.firstName).toEqual({ before: 'Alice', after: 'Alicia' });
    expect(await describeChanges(db, org.acme!.id, { securityRoleId: event.diff.securityRoleId!, locationId: event.diff.locationId! })).toEqual([
      { field: 'securityRoleId', label: 'Security Role', before: 'Service Manager', after: 'Technician' },
      { field: 'locationId', label: 'Location', before: 'Head Office', after: '—' },
    ]);

    // The same values again: nothing changes and no event is written.
    const count = (await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.personId, alice))).length;
    expect(await editPerson(db, org.acme!.id, org.acme!.root, await form(alice))).toEqual({ ok: true, changed: [] });
    expect(await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.personId, alice))).toHaveLength(count);
  });

  it('email is unique across the platform, compared case-insensitively: a clash is a field error; a case change of one’s own email is fine', async () => {
    const joanna = (await db.select().from(s.people).where(eq(s.people.email, 'joanna@initech.example')))[0]!.id;
    const before = await getPerson(db, org.acme!.id, joanna);
    expect(await editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(joanna)), email: 'PETER.Gibbons@Initech.example', firstName: 'Jo' })).toEqual({
      ok: false,
      error: 'Check the highlighted fields.',
      fieldErrors: { email: 'Another person already uses this email address.' },
    });
    // Another organization's person, or any address in its verified domain: one neutral refusal that tells nothing about who exists there.
    const neutral = 'This email address can’t be used. Choose another one.';
    expect(await editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(joanna)), email: 'gina.ross@globex.example' })).toMatchObject({ fieldErrors: { email: neutral } });
    expect(await editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(joanna)), email: 'nobody.yet@globex.example' })).toMatchObject({ fieldErrors: { email: neutral } });
    expect(await getPerson(db, org.acme!.id, joanna)).toEqual(before);

    expect(await editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(joanna)), email: 'Joanna@Initech.example' })).toEqual({ ok: true, changed: ['email'] });
    expect((await getPerson(db, org.acme!.id, joanna))!.email).toBe('Joanna@Initech.example');
  });

  it('two admins giving two people one new address at once: one wins, the other gets the field error', async () => {
    const [tech, peter] = await Promise.all(['tech@acme.example', 'peter.gibbons@initech.example'].map(async (e) => (await db.select().from(s.people).where(eq(s.people.email, e)))[0]!.id));
    const results = await Promise.all([tech!, peter!].map(async (id) => editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(id)), email: 'Shared.Address@acme.example' })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ fieldErrors: { email: expect.stringMatching(/^(Another person already uses this email address\.|This email address can’t be used\. Choose another one\.)$/) } });
  });

  it('a contact keeps an Account (not a department); lookups of another organization are field errors', async () => {
    const sam = (await db.select().from(s.people).where(eq(s.people.email, 'sam.jones@umbrella-health.example')))[0]!.id;
    const o = await loadLookupOptions(db, org.acme!.id);
    const theirs = await loadLookupOptions(db, org.globex!.id);
    expect(
      await editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(sam)), clientAccountId: theirs.clientAccountId[0]!.id, securityRoleId: name(theirs.securityRoleId, 'Basic'), jobTitleId: theirs.jobTitleId[0]!.id }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { clientAccountId: 'Choose an Account of your organization.', securityRoleId: 'Choose a Security Role of your organization.', jobTitleId: 'Choose a Job Title of your organization.' },
    });
    const res = await editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(sam)), clientAccountId: name(o.clientAccountId, 'Initech'), departmentId: name(o.departmentId, 'Finance') });
    expect(res).toEqual({ ok: true, changed: ['clientAccountId'] });
    expect(await getPerson(db, org.acme!.id, sam)).toMatchObject({ clientAccountId: name(o.clientAccountId, 'Initech'), departmentId: null });
  });

  it('every Employee Default is editable on an employee: Manager, Employment Type and Account too, and the phone type', async () => {
    const bob = (await db.select().from(s.people).where(eq(s.people.email, 'bob.martin@acme.example')))[0]!.id;
    // The technician may have taken the shared address in the race above: find them by who they are.
    const tech = (await db.select().from(s.people).where(and(eq(s.people.organizationId, org.acme!.id), eq(s.people.type, 'employee'), inArray(s.people.email, ['tech@acme.example', 'Shared.Address@acme.example']))))[0]!;
    const o = await loadLookupOptions(db, org.acme!.id);
    const res = await editPerson(db, org.acme!.id, org.acme!.root, {
      ...(await form(bob)),
      managerId: tech.id,
      employmentTypeId: name(o.employmentTypeId, 'Contractor'),
      clientAccountId: name(o.clientAccountId, 'Initech'),
      phone: '+1 555 0199',
      phoneType: 'mobile',
    });
    expect(res).toEqual({ ok: true, changed: ['phone', 'phoneType', 'managerId', 'employmentTypeId', 'clientAccountId'] });
    expect(await getPerson(db, org.acme!.id, bob)).toMatchObject({ managerId: tech.id, employmentTypeId: name(o.employmentTypeId, 'Contractor'), clientAccountId: name(o.clientAccountId, 'Initech'), phoneType: 'mobile' });
    const changes = await describeChanges(db, org.acme!.id, (await lastEvent(bob)).diff);
    expect(changes).toContainEqual({ field: 'managerId', label: 'Manager', before: 'Ava Root', after: `${tech.firstName} ${tech.lastName}` });

    // Not their own manager; not another organization's person; not a contact.
    const sam = (await db.select().from(s.people).where(eq(s.people.email, 'sam.jones@umbrella-health.example')))[0]!.id;
    expect(await editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(bob)), managerId: bob })).toMatchObject({ ok: false, fieldErrors: { managerId: 'A person cannot be their own manager.' } });
    expect(await editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(bob)), managerId: org.globex!.root })).toMatchObject({ ok: false, fieldErrors: { managerId: 'Choose a Manager among your organization’s employees.' } });
    expect(await editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(bob)), managerId: sam })).toMatchObject({ ok: false, fieldErrors: { managerId: 'Choose a Manager among your organization’s employees.' } });
    expect(await editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(bob)), phoneType: 'pager' })).toMatchObject({ ok: false, fieldErrors: { phoneType: 'Choose a phone type.' } });
  });

  it('refuses bad input field by field', async () => {
    const res = await editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(bob)), firstName: ' ', email: 'not-an-email', username: 'two words', phone: 'call me', securityRoleId: '' });
    expect(res).toMatchObject({
      ok: false,
      fieldErrors: {
        firstName: 'Enter a first name.',
        email: 'Enter a valid email address.',
        username: 'A username has no spaces.',
        phone: 'Enter a phone number: digits, spaces and + ( ) - . only.',
        securityRoleId: 'Choose a Security Role.',
      },
    });
  });

  it('an admin cannot take their own admin grant away (the root user keeps it anyway)', async () => {
    const o = await loadLookupOptions(db, org.acme!.id);
    const admin = (
      await db
        .insert(s.people)
        .values({ organizationId: org.acme!.id, type: 'employee', email: 'second.admin@acme.example', firstName: 'Sec', lastName: 'Ond', securityRoleId: name(o.securityRoleId, 'Administrator') })
        .returning()
    )[0]!;
    expect(await editPerson(db, org.acme!.id, admin.id, { ...(await form(admin.id)), securityRoleId: name(o.securityRoleId, 'Read Only') })).toMatchObject({
      ok: false,
      fieldErrors: { securityRoleId: 'This role would take your own admin access away: ask another admin to change it.' },
    });
    expect(await editPerson(db, org.acme!.id, org.acme!.root, { ...(await form(admin.id)), securityRoleId: name(o.securityRoleId, 'Read Only') })).toMatchObject({ ok: true });
  });

  it("another organization's person is not found and stays untouched", async () => {
    const before = await getPerson(db, org.acme!.id, bob);
    expect(await editPerson(db, org.globex!.id, org.globex!.root, { ...(await form(bob)), firstName: 'Hijacked' })).toMatchObject({ ok: false, notFound: true });
    expect(await getPerson(db, org.acme!.id, bob)).toEqual(before);
    expect(await db.select().from(s.provisioningEvents).where(and(eq(s.provisioningEvents.organizationId, org.globex!.id), eq(s.provisioningEvents.personId, bob)))).toHaveLength(0);
  });
});
