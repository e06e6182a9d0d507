import { and, desc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { describeChanges } from '@/lib/audit/log';
import { addKaseyaOneOrg, clientAccountOptions, listKaseyaOneOrgs, mapKaseyaOneOrg, removeKaseyaOneOrg } from '@/lib/settings/kaseyaone-organizations';
import { testDb } from './db';

const { db } = testDb();
const org: Record<string, { id: string; root: string; accounts: Record<string, string> }> = {};

beforeAll(async () => {
  await seedDemo(db);
  for (const o of await db.select().from(s.organizations)) {
    const accounts = Object.fromEntries((await clientAccountOptions(db, o.id)).map((a) => [a.name, a.id]));
    org[o.slug] = { id: o.id, root: o.rootPersonId!, accounts };
  }
});

const acme = () => org.acme!;
const globex = () => org.globex!;
const events = (organizationId: string) =>
  db.select().from(s.provisioningEvents).where(and(eq(s.provisioningEvents.organizationId, organizationId), eq(s.provisioningEvents.type, 'settings_changed'))).orderBy(desc(s.provisioningEvents.createdAt));

describe('KaseyaOne Settings › Organizations', () => {
  it('lists the seeded organizations by name with their mapped Account; another organization sees none of them', async () => {
    const page = await listKaseyaOneOrgs(db, acme().id);
    expect(page.rows.map((r) => [r.name, r.accountName])).toEqual([
      ['Initech', 'Initech'],
      ['Pendant Publishing', null],
      ['Umbrella Health Group', 'Umbrella Health'],
      ['Vandelay Industries', null],
    ]);
    expect(page.total).toBe(4);
    expect(await listKaseyaOneOrgs(db, globex().id)).toMatchObject({ rows: [], total: 0 });
  });

  it('searches by name or external id (case-insensitive, LIKE characters literal), sorts and paginates', async () => {
    expect((await listKaseyaOneOrgs(db, acme().id, { q: 'umbrella' })).rows.map((r) => r.externalId)).toEqual(['k1-org-10057']);
    expect((await listKaseyaOneOrgs(db, acme().id, { q: 'K1-ORG-1011' })).rows.map((r) => r.name)).toEqual(['Vandelay Industries']);
    expect((await listKaseyaOneOrgs(db, acme().id, { q: '%' })).total).toBe(0);
    expect((await listKaseyaOneOrgs(db, acme().id, { sort: '-externalId' })).rows[0]!.externalId).toBe('k1-org-10230');
    const second = await listKaseyaOneOrgs(db, acme().id, { pageSize: 3, page: 2 });
    expect(second).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(second.rows.map((r) => r.name)).toEqual(['Vandelay Industries']);
  });

  it('adds one by hand, mapped or not, audited; bad input, a duplicate id or another organization’s Account change nothing', async () => {
    const before = (await events(acme().id)).length;
    expect(await addKaseyaOneOrg(db, acme().id, acme().root, { externalId: '', name: ' ' })).toMatchObject({
      ok: false,
      fieldErrors: { externalId: 'Enter the organization ID KaseyaOne shows.', name: 'Enter the organization name.' },
    });
    expect(await addKaseyaOneOrg(db, acme().id, acme().root, { externalId: 'has space', name: 'X' })).toMatchObject({ ok: false, fieldErrors: { externalId: 'The ID has no spaces.' } });
    expect(await addKaseyaOneOrg(db, acme().id, acme().root, { externalId: 'k1-org-10041', name: 'Initech again' })).toMatchObject({
      ok: false,
      fieldErrors: { externalId: 'A KaseyaOne organization with this ID is already in the list.' },
    });
    expect(await addKaseyaOneOrg(db, acme().id, acme().root, { externalId: 'k1-org-77', name: 'Sneaky', clientAccountId: globex().accounts['Hank Industries'] })).toMatchObject({
      ok: false,
      fieldErrors: { clientAccountId: 'Choose a client Account of your organization.' },
    });
    expect((await events(acme().id)).length).toBe(before);
    expect((await listKaseyaOneOrgs(db, acme().id)).total).toBe(4);

    const added = await addKaseyaOneOrg(db, acme().id, acme().root, { externalId: ' k1-org-20001 ', name: ' Chotchkie’s ', clientAccountId: acme().accounts.Initech });
    expect(added.ok).toBe(true);
    const [row] = (await listKaseyaOneOrgs(db, acme().id, { q: 'k1-org-20001' })).rows;
    expect(row).toMatchObject({ externalId: 'k1-org-20001', name: 'Chotchkie’s', accountName: 'Initech' });
    const [event] = await events(acme().id);
    expect(event).toMatchObject({ actorPersonId: acme().root, source: 'admin', detail: { what: 'kaseyaone_organization.added' } });
    expect(await describeChanges(db, acme().id, event!.diff)).toMatchObject([
      { field: 'kaseyaOneOrganization.k1-org-20001', before: '—', after: 'Chotchkie’s' },
      { field: 'kaseyaOneOrganization.k1-org-20001.account', before: '—', after: 'Initech' },
    ]);

    // The same external id is fine in another organization: ids are unique per partner.
    expect((await addKaseyaOneOrg(db, globex().id, globex().root, { externalId: 'k1-org-20001', name: 'Chotchkie’s' })).ok).toBe(true);
  });

  it('maps, remaps and unmaps, each audited with the Account names; the same value again writes nothing', async () => {
    const [vandelay] = (await listKaseyaOneOrgs(db, acme().id, { q: 'Vandelay' })).rows;
    expect(await mapKaseyaOneOrg(db, acme().id, acme().root, { id: vandelay!.id, clientAccountId: acme().accounts['Umbrella Health'] })).toEqual({ ok: true, id: vandelay!.id });
    expect(await mapKaseyaOneOrg(db, acme().id, acme().root, { id: vandelay!.id, clientAccountId: acme().accounts.Initech })).toMatchObject({ ok: true });
    const [remap] = await events(acme().id);
    expect(remap!.detail).toMatchObject({ what: 'kaseyaone_organization.mapped', kaseyaOneOrganization: { externalId: 'k1-org-10112', name: 'Vandelay Industries' } });
    expect(await describeChanges(db, acme().id, remap!.diff)).toMatchObject([{ field: 'kaseyaOneOrganization.k1-org-10112.account', before: 'Umbrella Health', after: 'Initech' }]);

    const count = (await events(acme().id)).length;
    expect(await mapKaseyaOneOrg(db, acme().id, acme().root, { id: vandelay!.id, clientAccountId: acme().accounts.Initech })).toMatchObject({ ok: true });
    expect((await events(acme().id)).length).toBe(count);

    expect(await mapKaseyaOneOrg(db, acme().id, acme().root, { id: vandelay!.id, clientAccountId: '' })).toMatchObject({ ok: true });
    const [unmap] = await events(acme().id);
    expect(unmap!.detail).toMatchObject({ what: 'kaseyaone_organization.unmapped' });
    expect(unmap!.diff['kaseyaOneOrganization.k1-org-10112.account']).toEqual({ before: acme().accounts.Initech, after: null });
    expect((await listKaseyaOneOrgs(db, acme().id, { q: 'Vandelay' })).rows[0]!.clientAccountId).toBeNull();
  });

  it('refuses another organization’s Account and answers not found for another organization’s KaseyaOne organization, changing nothing', async () => {
    const [initech] = (await listKaseyaOneOrgs(db, acme().id, { q: 'k1-org-10041' })).rows;
    const count = (await events(acme().id)).length;
    expect(await mapKaseyaOneOrg(db, acme().id, acme().root, { id: initech!.id, clientAccountId: globex().accounts['Scorpio Holdings'] })).toMatchObject({
      ok: false,
      fieldErrors: { clientAccountId: 'Choose a client Account of your organization.' },
    });
    expect(await mapKaseyaOneOrg(db, globex().id, globex().root, { id: initech!.id, clientAccountId: null })).toMatchObject({ ok: false, notFound: true });
    expect(await mapKaseyaOneOrg(db, globex().id, globex().root, { id: initech!.id, clientAccountId: globex().accounts['Hank Industries'] })).toMatchObject({ ok: false, notFound: true });
    expect(await removeKaseyaOneOrg(db, globex().id, globex().root, initech!.id)).toMatchObject({ ok: false, notFound: true });
    expect(await mapKaseyaOneOrg(db, acme().id, acme().root, { id: 'not-a-uuid', clientAccountId: null })).toMatchObject({ ok: false, fieldErrors: { id: expect.any(String) } });
    expect((await listKaseyaOneOrgs(db, acme().id, { q: 'k1-org-10041' })).rows[0]).toMatchObject({ clientAccountId: acme().accounts.Initech });
    expect((await events(acme().id)).length).toBe(count);
    expect(await events(globex().id)).toHaveLength(1); // only Globex's own add above
  });

  it('removes one, audited', async () => {
    const [pendant] = (await listKaseyaOneOrgs(db, acme().id, { q: 'Pendant' })).rows;
    expect(await removeKaseyaOneOrg(db, acme().id, acme().root, pendant!.id)).toMatchObject({ ok: true });
    expect((await listKaseyaOneOrgs(db, acme().id, { q: 'Pendant' })).total).toBe(0);
    const [event] = await events(acme().id);
    expect(event).toMatchObject({ detail: { what: 'kaseyaone_organization.removed' } });
    expect(event!.diff).toEqual({ 'kaseyaOneOrganization.k1-org-10230': { before: 'Pendant Publishing', after: null } });
    expect(await removeKaseyaOneOrg(db, acme().id, acme().root, pendant!.id)).toMatchObject({ ok: false, notFound: true });
  });
});
