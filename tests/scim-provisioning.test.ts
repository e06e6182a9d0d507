import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents, logFiltersSchema } from '@/lib/audit/log';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { createDirectory } from '@/lib/scim/directories';
import { getJackson } from '@/lib/sso/jackson';
import { testDb } from './db';
import { SCHEMAS, scimClient } from './scim-fixture';

// Jackson's directory-sync events → people (issue 12, Build 3–4), driven by the request
// sequences Entra ID's provisioning service and Okta send (docs/scim.md says where they come
// from), through the route handlers' entry point, on a real PostgreSQL.

const { db, sql: pg } = testDb();
let acme = '';
let root = '';
const role: Record<string, string> = {};
const dept: Record<string, string> = {};

beforeAll(async () => {
  await seedDemo(db);
  const [org] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme'));
  acme = org!.id;
  root = org!.rootPersonId!;
  for (const r of await db.select().from(s.securityRoles).where(eq(s.securityRoles.organizationId, acme))) role[r.name] = r.id;
  for (const d of await db.select().from(s.departments).where(eq(s.departments.organizationId, acme))) dept[d.name] = d.id;
});
afterAll(async () => {
  await (await getJackson()).close();
});

/** A fresh email domain with SSO Mapping Rules: any group → Technician; group `managers` → Service Manager. */
async function scenario(provider: 'azure-scim-v2' | 'okta-scim-v2', managers = 'Service Managers') {
  const domain = `${provider.split('-')[0]}-${randomBytes(3).toString('hex')}.example`;
  await db.insert(s.mappingRules).values([
    { organizationId: acme, kind: 'sso', domain, securityGroup: null, userType: 'employee', securityRoleId: role.Technician!, position: 20 },
    { organizationId: acme, kind: 'sso', domain, securityGroup: managers, userType: 'employee', securityRoleId: role['Service Manager']!, position: 10 },
  ]);
  const dir = await createDirectory(db, acme, { name: `${provider} ${domain}`, provider });
  return { domain, dir, scim: scimClient(db, dir.id, dir.token) };
}

const personByEmail = async (email: string) => (await db.select().from(s.people).where(sql`lower(${s.people.email}) = lower(${email})`))[0];
const eventsOf = (personId: string) => db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.personId, personId)).orderBy(asc(s.provisioningEvents.createdAt));

/** A user as Entra ID's provisioning service creates it (aadOptscim062020). */
function entraUser(email: string, given: string, family: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [SCHEMAS.user, SCHEMAS.enterprise],
    externalId: given.toLowerCase(),
    userName: email,
    active: true,
    emails: [{ primary: true, type: 'work', value: email }],
    meta: { resourceType: 'User' },
    name: { formatted: `${given} ${family}`, familyName: family, givenName: given },
    roles: [],
    ...extra,
  };
}

describe('Entra ID provisioning sequence', () => {
  it('test connection, create with enterprise department and manager, update by PATCH, group add/remove re-decides the role, active False/True, delete deactivates', async () => {
    const { domain, scim, dir } = await scenario('azure-scim-v2');
    // "Test Connection": a filter for a user that cannot exist.
    const probe = await scim('GET', `Users?filter=${encodeURIComponent('userName eq "ab1f7e47-0ea4-4c55-b2ce-9c0e5bbd7bb5"')}`);
    expect(probe).toMatchObject({ status: 200, body: { totalResults: 0, Resources: [] } });

    const miaEmail = `mia.manager@${domain}`;
    expect((await scim('GET', `Users?filter=${encodeURIComponent(`userName eq "${miaEmail}"`)}`)).body.totalResults).toBe(0);
    const mia = await scim('POST', 'Users', entraUser(miaEmail, 'Mia', 'Manager'));
    expect(mia.status).toBe(201);

    const annEmail = `ann.adams@${domain}`;
    const ann = await scim('POST', 'Users', entraUser(annEmail, 'Ann', 'Adams', { title: 'Systems Engineer', [SCHEMAS.enterprise]: { department: 'Projects', manager: { value: mia.body.id } } }));
    expect(ann.status).toBe(201);
    const annId = ann.body.id as string;
    const miaPerson = (await personByEmail(miaEmail))!;
    let p = (await personByEmail(annEmail))!;
    expect(p).toMatchObject({ organizationId: acme, type: 'employee', status: 'active', source: 'scim', firstName: 'Ann', lastName: 'Adams', username: 'ann.adams', securityRoleId: role.Technician, departmentId: dept.Projects, managerId: miaPerson.id });
    const [created] = await eventsOf(p.id);
    expect(created).toMatchObject({ type: 'person_created', source: 'scim', detail: expect.objectContaining({ directoryId: dir.id, objectId: annId }) });
    const [link] = await db.select().from(s.personIdentities).where(eq(s.personIdentities.personId, p.id));
    expect(link).toMatchObject({ source: 'scim', scope: dir.id, externalId: annId });

    // Entra's GET after create, and a repeat create of the same userName.
    expect((await scim('GET', `Users/${annId}`)).body.userName).toBe(annEmail);
    expect((await scim('POST', 'Users', entraUser(annEmail, 'Ann', 'Adams'))).status).toBe(409);

    // Update: email (filtered path) and family name in one PATCH; one event.
    const before = (await eventsOf(p.id)).length;
    const newEmail = `ann.baker@${domain}`;
    const patched = await scim('PATCH', `Users/${annId}`, {
      schemas: [SCHEMAS.patch],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: newEmail },
        { op: 'Replace', path: 'name.familyName', value: 'Baker' },
      ],
    });
    expect(patched.status).toBe(200);
    p = (await db.select().from(s.people).where(eq(s.people.id, p.id)))[0]!;
    expect(p).toMatchObject({ email: newEmail, lastName: 'Baker', username: 'ann.adams' });
    const afterUpdate = await eventsOf(p.id);
    expect(afterUpdate).toHaveLength(before + 1);
    expect(afterUpdate.at(-1)).toMatchObject({ type: 'person_updated', diff: { email: { before: annEmail, after: newEmail }, lastName: { before: 'Adams', after: 'Baker' } } });

    // Enterprise extension by PATCH path (Entra sends the URN-qualified attribute).
    await scim('PATCH', `Users/${annId}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'Replace', path: `${SCHEMAS.enterprise}:department`, value: 'Finance' }] });
    expect((await personByEmail(newEmail))!.departmentId).toBe(dept.Finance);

    // Groups: create empty, then add the member: the group-derived role follows at once.
    expect((await scim('GET', `Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Service Managers"')}`)).body.totalResults).toBe(0);
    const group = await scim('POST', 'Groups', { schemas: [SCHEMAS.group], externalId: 'sm', displayName: 'Service Managers', members: [], meta: { resourceType: 'Group' } });
    expect(group.status).toBe(201);
    await scim('PATCH', `Groups/${group.body.id}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: annId }] }] });
    expect((await personByEmail(newEmail))!.securityRoleId).toBe(role['Service Manager']);
    const groupsOfAnn = await db.select().from(s.personGroups).where(eq(s.personGroups.personId, p.id));
    expect(groupsOfAnn.map((g) => [g.source, g.groupName])).toEqual([['scim', 'Service Managers']]);
    await scim('PATCH', `Groups/${group.body.id}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: annId }] }] });
    expect((await personByEmail(newEmail))!.securityRoleId).toBe(role.Technician);

    // Disable: Entra without the flag sends "False" as a string. Twice: the second changes nothing.
    const disable = { schemas: [SCHEMAS.patch], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
    await scim('PATCH', `Users/${annId}`, disable);
    p = (await personByEmail(newEmail))!;
    expect(p.status).toBe('inactive');
    const deactivated = await eventsOf(p.id);
    expect(deactivated.at(-1)).toMatchObject({ type: 'person_deactivated', source: 'scim', reasonCode: 'scim_inactive', diff: { status: { before: 'active', after: 'inactive' } } });
    await scim('PATCH', `Users/${annId}`, disable);
    expect(await eventsOf(p.id)).toHaveLength(deactivated.length);

    await scim('PATCH', `Users/${annId}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'Replace', path: 'active', value: true }] });
    expect((await personByEmail(newEmail))!.status).toBe('active');
    expect((await eventsOf(p.id)).at(-1)).toMatchObject({ type: 'person_reactivated', diff: { status: { before: 'inactive', after: 'active' } } });

    // Delete → deactivated, never deleted; 204 as RFC 7644 says.
    expect((await scim('DELETE', `Users/${annId}`)).status).toBe(204);
    p = (await personByEmail(newEmail))!;
    expect(p.status).toBe('inactive');
    expect((await eventsOf(p.id)).at(-1)).toMatchObject({ type: 'person_deactivated', reasonCode: 'scim_deleted' });
    expect((await scim('GET', `Users/${annId}`)).status).toBe(404);

    // The directory's events, as Provisioning Log › ?directory= lists them; counts on the console.
    const log = await listEvents(db, acme, logFiltersSchema.parse({ directory: dir.id, pageSize: 100 }));
    expect(log.rows.length).toBeGreaterThanOrEqual(8);
    expect(log.rows.every((r) => r.source === 'scim' && r.detail.directoryId === dir.id)).toBe(true);
  });
});

describe('nothing is lost on a retry', () => {
  /** A trigger on people that refuses, in the database, what `when` matches: the apply step fails after Jackson stored the change. */
  async function failPeopleWrites(name: string, event: 'insert' | 'update', when: string) {
    await db.execute(sql.raw(`create or replace function ${name}() returns trigger language plpgsql as $$ begin raise exception 'injected failure ${name}'; end $$`));
    await db.execute(sql.raw(`create trigger ${name} before ${event} on people for each row when (${when}) execute function ${name}()`));
    return () => db.execute(sql.raw(`drop trigger ${name} on people; drop function ${name}()`));
  }
  /** The request fails with the injected error (the route answers it 500). */
  async function failsInjected(request: Promise<unknown>) {
    const err = await request.then(() => null, (e: Error & { cause?: Error }) => e);
    expect(`${err?.message} ${err?.cause?.message}`).toMatch(/injected failure/);
  }

  it('a create Jackson stored but we failed to apply: the IdP retry (409 uniqueness) applies Jackson’s stored user; a failed DELETE’s retry deactivates', async () => {
    const { domain, scim, dir } = await scenario('azure-scim-v2');
    const email = `rita.retry@${domain}`;
    const restore = await failPeopleWrites('scim_fail_create', 'insert', `new.email = '${email}'`);
    await failsInjected(scim('POST', 'Users', entraUser(email, 'Rita', 'Retry')));
    await restore();
    expect(await personByEmail(email)).toBeUndefined();

    // Entra/Okta retry the create: Jackson has the user, so it is a duplicate — and our side catches up.
    const retry = await scim('POST', 'Users', entraUser(email, 'Rita', 'Retry'));
    expect(retry).toMatchObject({ status: 409, body: { schemas: [SCHEMAS.error], scimType: 'uniqueness' } });
    const p = (await personByEmail(email))!;
    expect(p).toMatchObject({ organizationId: acme, status: 'active', source: 'scim', firstName: 'Rita', lastName: 'Retry', securityRoleId: role.Technician });
    // Then the GET by filter and a PATCH, as Entra does after a 409, find the same user.
    const found = await scim('GET', `Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`);
    expect(found.body.totalResults).toBe(1);
    const id = found.body.Resources[0].id as string;
    const [link] = await db.select().from(s.personIdentities).where(eq(s.personIdentities.personId, p.id));
    expect(link).toMatchObject({ source: 'scim', scope: dir.id, externalId: id });
    // A third POST changes nothing.
    const n = (await eventsOf(p.id)).length;
    expect((await scim('POST', 'Users', entraUser(email, 'Rita', 'Retry'))).status).toBe(409);
    expect(await eventsOf(p.id)).toHaveLength(n);

    // A PATCH whose apply fails: Jackson re-sends the whole user on the retry.
    const restorePatch = await failPeopleWrites('scim_fail_patch', 'update', `new.email = '${email}' and new.last_name = 'Retried'`);
    const patch = { schemas: [SCHEMAS.patch], Operations: [{ op: 'Replace', path: 'name.familyName', value: 'Retried' }] };
    await failsInjected(scim('PATCH', `Users/${id}`, patch));
    await restorePatch();
    expect((await scim('PATCH', `Users/${id}`, patch)).status).toBe(200);
    expect((await personByEmail(email))!.lastName).toBe('Retried');

    // A DELETE whose apply fails: Jackson has dropped the user; the retry finishes the deactivation.
    const restoreDelete = await failPeopleWrites('scim_fail_delete', 'update', `new.email = '${email}' and new.status = 'inactive'`);
    await failsInjected(scim('DELETE', `Users/${id}`));
    await restoreDelete();
    expect((await personByEmail(email))!.status).toBe('active');
    expect((await scim('DELETE', `Users/${id}`)).status).toBe(204);
    expect((await personByEmail(email))!.status).toBe('inactive');
    expect((await eventsOf(p.id)).at(-1)).toMatchObject({ type: 'person_deactivated', reasonCode: 'scim_deleted' });
    // Done: a further DELETE is 404 as before.
    expect((await scim('DELETE', `Users/${id}`)).status).toBe(404);
  });
});

describe('micro-batching', () => {
  const push = (scim: ReturnType<typeof scimClient>, emails: string[]) =>
    Promise.all(
      emails.map((e, i) =>
        scim('POST', 'Users', entraUser(e, `Batch${i}`, 'User')).then(
          async (res) => ({ res, person: await personByEmail(e) }),
          (err: Error & { cause?: Error }) => ({ err: `${err.message} ${err.cause?.message}` }),
        ),
      ),
    );
  const createdRuns = async (dirId: string) =>
    (
      await db
        .select({ runId: sql<string>`${s.provisioningEvents.detail}->>'runId'` })
        .from(s.provisioningEvents)
        .where(and(eq(s.provisioningEvents.type, 'person_created'), sql`${s.provisioningEvents.detail}->>'directoryId' = ${dirId}`))
    ).map((r) => r.runId);

  it('concurrent creates of distinct users are written together (fewer batches than requests), each answered after its person exists', async () => {
    const { domain, scim, dir } = await scenario('azure-scim-v2');
    const emails = Array.from({ length: 12 }, (_, i) => `batch${i}@${domain}`);
    // Writes to people wait behind another transaction until Jackson holds all twelve users, so
    // the events that arrive while the first batch waits queue up (a condition, not a time).
    let pushes!: ReturnType<typeof push>;
    await pg.begin(async (hold) => {
      await hold`lock table people in exclusive mode`;
      pushes = push(scim, emails);
      for (const deadline = Date.now() + 30_000; (await scim('GET', 'Users')).body.totalResults < emails.length; ) {
        if (Date.now() > deadline) throw new Error('Jackson never stored the twelve users');
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    for (const [i, r] of (await pushes).entries()) {
      // Answered only once its person was written.
      expect(r).toMatchObject({ res: { status: 201 }, person: { email: emails[i], status: 'active', securityRoleId: role.Technician } });
    }
    const runs = await createdRuns(dir.id);
    expect(runs).toHaveLength(12);
    // One run id per batch; without batching every request is its own.
    expect(new Set(runs).size).toBeLessThan(12);
  });

  it('a report and their manager created in one batch: the manager is linked at once, whichever came first', async () => {
    const { domain, scim } = await scenario('azure-scim-v2');
    const tag = randomBytes(3).toString('hex');
    // Ids the client chooses (Jackson keeps a body's userId), so the report can name a manager not yet created.
    const bodies = [
      { ...entraUser(`first.${tag}@${domain}`, 'First', 'Alone'), userId: `first-${tag}` },
      { ...entraUser(`report.${tag}@${domain}`, 'Rita', 'Report', { [SCHEMAS.enterprise]: { manager: { value: `boss-${tag}` } } }), userId: `report-${tag}` },
      { ...entraUser(`boss.${tag}@${domain}`, 'Bob', 'Boss'), userId: `boss-${tag}` },
    ];
    let pushes!: Promise<{ status: number }[]>;
    await pg.begin(async (hold) => {
      await hold`lock table people in exclusive mode`;
      // The first goes alone and waits on the lock; then the report and the manager queue behind it, into one batch.
      const first = scim('POST', 'Users', bodies[0]);
      for (const deadline = Date.now() + 30_000; (await pg`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query ilike 'insert into "people"%'`).length === 0; ) {
        if (Date.now() > deadline) throw new Error('the first batch never reached the people table');
        await new Promise((r) => setTimeout(r, 20));
      }
      pushes = Promise.all([first, ...bodies.slice(1).map((b) => scim('POST', 'Users', b))]);
      for (const deadline = Date.now() + 30_000; (await scim('GET', 'Users')).body.totalResults < bodies.length; ) {
        if (Date.now() > deadline) throw new Error('Jackson never stored the three users');
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    expect((await pushes).map((r) => r.status)).toEqual([201, 201, 201]);
    const boss = await personByEmail(`boss.${tag}@${domain}`);
    expect(await personByEmail(`report.${tag}@${domain}`)).toMatchObject({ status: 'active', managerId: boss!.id });
  });

  it('a user whose apply fails in a batch fails alone; the others are created, and its retry converges', async () => {
    const { domain, scim } = await scenario('azure-scim-v2');
    const emails = Array.from({ length: 6 }, (_, i) => `alone${i}@${domain}`);
    const bad = emails[3]!;
    await db.execute(sql.raw(`create or replace function scim_fail_batch() returns trigger language plpgsql as $$ begin raise exception 'injected failure scim_fail_batch'; end $$`));
    await db.execute(sql.raw(`create trigger scim_fail_batch before insert on people for each row when (new.email = '${bad}') execute function scim_fail_batch()`));
    let results: Awaited<ReturnType<typeof push>> = [];
    await pg
      .begin(async (hold) => {
        await hold`lock table people in exclusive mode`;
        const pushes = push(scim, emails);
        for (const deadline = Date.now() + 30_000; (await scim('GET', 'Users')).body.totalResults < emails.length; ) {
          if (Date.now() > deadline) throw new Error('Jackson never stored the six users');
          await new Promise((r) => setTimeout(r, 20));
        }
        return { pushes }; // not the promise itself: begin() would wait for it inside the transaction
      })
      .then(async ({ pushes }) => (results = await pushes))
      .finally(() => db.execute(sql.raw(`drop trigger scim_fail_batch on people; drop function scim_fail_batch()`)));
    for (const [i, r] of results.entries()) {
      if (emails[i] === bad) expect(r).toMatchObject({ err: expect.stringMatching(/injected failure/) });
      else expect(r).toMatchObject({ res: { status: 201 }, person: { email: emails[i], status: 'active' } });
    }
    expect((await scim('POST', 'Users', entraUser(bad, 'Batch3', 'User'))).status).toBe(409);
    expect(await personByEmail(bad)).toMatchObject({ status: 'active' });
  });
});

describe('filters', () => {
  it('userName, id, externalId and emails[type eq "work"].value find this directory’s user only; other filters are 400 invalidFilter', async () => {
    const { domain, scim } = await scenario('azure-scim-v2');
    const other = await scenario('okta-scim-v2');
    const email = `fay.filter@${domain}`;
    const created = await scim('POST', 'Users', entraUser(email, 'Fay', 'Filter', { externalId: 'Fay-EXT-1', emails: [{ primary: true, type: 'work', value: email }] }));
    expect(created.status).toBe(201);
    await scim('POST', 'Users', entraUser(`gus.other@${domain}`, 'Gus', 'Other', { externalId: 'gus-ext-2' }));
    // The other directory holds a user with the same externalId: never listed here.
    expect((await other.scim('POST', 'Users', entraUser(`fay.filter@${other.domain}`, 'Fay', 'Elsewhere', { externalId: 'Fay-EXT-1' }))).status).toBe(201);
    const list = (filter: string, s = scim) => s('GET', `Users?filter=${encodeURIComponent(filter)}`);
    const ids = (res: { body: any }) => (res.body.Resources as { id: string }[]).map((r) => r.id);

    const byExternal = await list('externalId eq "Fay-EXT-1"');
    expect(byExternal).toMatchObject({ status: 200, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, startIndex: 1, itemsPerPage: 1 } });
    expect(ids(byExternal)).toEqual([created.body.id]);
    expect(byExternal.body.Resources[0]).toMatchObject({ userName: email, externalId: 'Fay-EXT-1' });
    expect((await list('externalId eq "fay-ext-1"')).body.totalResults).toBe(0); // caseExact
    expect(ids(await list(`id eq "${created.body.id}"`))).toEqual([created.body.id]);
    expect(ids(await list(`emails[type eq "work"].value eq "${email.toUpperCase()}"`))).toEqual([created.body.id]);
    expect(ids(await list(`userName eq "${email}"`))).toEqual([created.body.id]);
    // Another directory's id is not found here.
    const otherId = ids(await list('externalId eq "Fay-EXT-1"', other.scim))[0]!;
    expect(otherId).not.toBe(created.body.id);
    expect((await list(`id eq "${otherId}"`)).body).toMatchObject({ totalResults: 0, Resources: [] });
    // A match past the page is counted, not listed.
    expect((await scim('GET', `Users?filter=${encodeURIComponent('externalId eq "Fay-EXT-1"')}&startIndex=2&count=10`)).body).toMatchObject({ totalResults: 1, itemsPerPage: 0, Resources: [] });

    for (const filter of ['externalId ne "x"', 'emails[type eq "home"].value eq "x"', 'externalId eq "a" or id eq "b"', 'name.familyName eq "Filter"']) {
      expect(await list(filter)).toMatchObject({ status: 400, body: { schemas: [SCHEMAS.error], scimType: 'invalidFilter' } });
    }
  });
});

describe('Okta provisioning sequence', () => {
  it('filter with paging, create (password dropped), PUT profile update, group push with members, rename, member remove, deactivate/reactivate by PATCH value, multi-valued emails pick the primary', async () => {
    const { domain, scim } = await scenario('okta-scim-v2', 'Okta Admins');
    const email = `olga.ortiz@${domain}`;
    // Okta's "Test Connector Configuration" reads two users; then "does this user exist?".
    expect(await scim('GET', 'Users?startIndex=1&count=2')).toMatchObject({ status: 200, body: { startIndex: 1, Resources: expect.any(Array) } });
    const list = await scim('GET', `Users?filter=${encodeURIComponent(`userName eq "${email}"`)}&startIndex=1&count=100`);
    expect(list).toMatchObject({ status: 200, body: { totalResults: 0, startIndex: 1 } });
    const body = {
      schemas: [SCHEMAS.user],
      userName: email,
      name: { givenName: 'Olga', familyName: 'Ortiz' },
      emails: [
        { primary: false, value: `olga@home-${domain}`, type: 'home' },
        { primary: true, value: email, type: 'work' },
      ],
      displayName: 'Olga Ortiz',
      locale: 'en-US',
      externalId: '00u1esetp0q8sKdNQ0h8',
      groups: [],
      password: 'Sup3rS3cret!',
      active: true,
    };
    const created = await scim('POST', 'Users', body);
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('Sup3rS3cret');
    const id = created.body.id as string;
    let p = (await personByEmail(email))!;
    expect(p).toMatchObject({ email, firstName: 'Olga', lastName: 'Ortiz', securityRoleId: role.Technician, status: 'active' });

    // Okta's profile push is a PUT of the whole user. The same PUT twice changes nothing the second time.
    const put = { ...body, id, name: { givenName: 'Olgа', familyName: 'Ortiz-Lee' } };
    expect((await scim('PUT', `Users/${id}`, put)).status).toBe(200);
    const n = (await eventsOf(p.id)).length;
    expect((await scim('PUT', `Users/${id}`, put)).status).toBe(200);
    expect(await eventsOf(p.id)).toHaveLength(n);
    expect((await personByEmail(email))!.lastName).toBe('Ortiz-Lee');

    // Group push: Okta creates the group with its members.
    const group = await scim('POST', 'Groups', { schemas: [SCHEMAS.group], displayName: 'Okta Admins', members: [{ value: id, display: email }] });
    expect(group.status).toBe(201);
    expect((await personByEmail(email))!.securityRoleId).toBe(role['Service Manager']);
    // Rename: the rule names the old name, so the role falls back.
    await scim('PATCH', `Groups/${group.body.id}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'replace', value: { id: group.body.id, displayName: 'Okta Admins (old)' } }] });
    expect((await personByEmail(email))!.securityRoleId).toBe(role.Technician);
    await scim('PATCH', `Groups/${group.body.id}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'replace', value: { id: group.body.id, displayName: 'Okta Admins' } }] });
    expect((await personByEmail(email))!.securityRoleId).toBe(role['Service Manager']);
    await scim('PATCH', `Groups/${group.body.id}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] });
    expect((await personByEmail(email))!.securityRoleId).toBe(role.Technician);

    // A full member list: PUT of the group, then PATCH replace members (Jackson applies only add/remove).
    expect((await scim('PUT', `Groups/${group.body.id}`, { schemas: [SCHEMAS.group], id: group.body.id, displayName: 'Okta Admins', members: [{ value: id }] })).status).toBe(200);
    expect((await personByEmail(email))!.securityRoleId).toBe(role['Service Manager']);
    await scim('PATCH', `Groups/${group.body.id}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'replace', path: 'members', value: [] }] });
    expect((await personByEmail(email))!.securityRoleId).toBe(role.Technician);
    await scim('PATCH', `Groups/${group.body.id}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'replace', value: { displayName: 'Okta Admins', members: [{ value: id }] } }] });
    expect((await personByEmail(email))!.securityRoleId).toBe(role['Service Manager']);
    await scim('PATCH', `Groups/${group.body.id}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] });

    // Deactivate / reactivate: a PATCH without a path.
    await scim('PATCH', `Users/${id}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'replace', value: { active: false } }] });
    p = (await personByEmail(email))!;
    expect(p.status).toBe('inactive');
    await scim('PATCH', `Users/${id}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'replace', value: { active: true } }] });
    expect((await personByEmail(email))!.status).toBe('active');
    expect((await scim('DELETE', `Groups/${group.body.id}`)).status).toBe(204);
  });
});

describe('the same rules as every other source', () => {
  it('merges by email (case-insensitive, id kept, locked fields kept), respects tombstones, no rule → no person, the root user is never deactivated', async () => {
    const { domain, scim } = await scenario('okta-scim-v2');
    const [local] = await db
      .insert(s.people)
      .values({ organizationId: acme, type: 'employee', status: 'active', source: 'local', firstName: 'Lena', lastName: 'Local', email: `lena@${domain}`, securityRoleId: role['Read Only']!, lockedFields: ['lastName'] })
      .returning();
    const res = await scim('POST', 'Users', { schemas: [SCHEMAS.user], userName: `LENA@${domain.toUpperCase()}`, name: { givenName: 'Lena', familyName: 'Pushed' }, active: true });
    expect(res.status).toBe(201);
    const merged = (await personByEmail(`lena@${domain}`))!;
    expect(merged).toMatchObject({ id: local!.id, lastName: 'Local', securityRoleId: role.Technician });
    expect((await eventsOf(merged.id)).at(-1)).toMatchObject({ type: 'person_merged', source: 'scim' });

    const [gone] = await db
      .insert(s.people)
      .values({ organizationId: acme, type: 'employee', status: 'inactive', source: 'local', firstName: 'Tom', lastName: 'Stone', email: `tom@${domain}`, removedAt: new Date(), removedReason: 'left' })
      .returning();
    await scim('POST', 'Users', { schemas: [SCHEMAS.user], userName: `tom@${domain}`, active: true });
    expect((await personByEmail(`tom@${domain}`))!).toMatchObject({ id: gone!.id, status: 'inactive' });
    expect((await eventsOf(gone!.id)).at(-1)).toMatchObject({ type: 'sync_skipped', reasonCode: 'person_removed' });

    const stranger = `sam@nowhere-${domain}`;
    expect((await scim('POST', 'Users', { schemas: [SCHEMAS.user], userName: stranger })).status).toBe(201);
    expect(await personByEmail(stranger)).toBeUndefined();
    const [skip] = await db.select().from(s.provisioningEvents).where(and(eq(s.provisioningEvents.type, 'sync_skipped'), sql`${s.provisioningEvents.detail}->>'userPrincipalName' = ${stranger}`));
    expect(skip).toMatchObject({ reasonCode: 'no_matching_rule', source: 'scim' });

    const rootPerson = (await db.select().from(s.people).where(eq(s.people.id, root)))[0]!;
    const r = await scim('POST', 'Users', { schemas: [SCHEMAS.user], userName: rootPerson.email, active: true });
    await scim('PATCH', `Users/${r.body.id}`, { Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect((await db.select().from(s.people).where(eq(s.people.id, root)))[0]!.status).toBe('active');
  });

  it('concurrent requests for one user never create two people; the same request twice changes nothing', async () => {
    const { domain, scim } = await scenario('azure-scim-v2');
    const email = `cora.concurrent@${domain}`;
    const body = entraUser(email, 'Cora', 'Concurrent');
    const results = await Promise.all(Array.from({ length: 6 }, () => scim('POST', 'Users', body)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const people = await db.select().from(s.people).where(sql`lower(${s.people.email}) = ${email}`);
    expect(people).toHaveLength(1);
    const id = results.find((r) => r.status === 201)!.body.id;
    // Two different SCIM users with one email at once: still one person.
    const twin = await Promise.all([
      scim('POST', 'Users', entraUser(`Twin@${domain}`, 'Twin', 'One')),
      scim('POST', 'Users', { ...entraUser(`twin.alias@${domain}`, 'Twin', 'Two'), emails: [{ primary: true, type: 'work', value: `twin@${domain}` }] }),
    ]);
    expect(twin.map((t) => t.status)).toEqual([201, 201]);
    expect(await db.select().from(s.people).where(sql`lower(${s.people.email}) = ${`twin@${domain}`}`)).toHaveLength(1);
    // Concurrent PATCHes for one user apply one at a time, in the order they reach the queue:
    // the person ends as the directory's copy of the user ends, with one event per change.
    const n0 = (await eventsOf(people[0]!.id)).length;
    await Promise.all(['A', 'B', 'C', 'D'].map((v) => scim('PATCH', `Users/${id}`, { Operations: [{ op: 'replace', path: 'name.givenName', value: `Cora${v}` }] })));
    const last = (await scim('GET', `Users/${id}`)).body.name.givenName;
    expect((await personByEmail(email))!.firstName).toBe(last);
    expect(await eventsOf(people[0]!.id)).toHaveLength(n0 + 4);
    const n = n0 + 4;
    const same = { Operations: [{ op: 'replace', path: 'name.givenName', value: last }] };
    await scim('PATCH', `Users/${id}`, same);
    expect(await eventsOf(people[0]!.id)).toHaveLength(n);
  });
});

describe('mass-deactivation guard', () => {
  it('holds deactivations above the share of the directory’s active people, lets a reactivation take one off, and applies them when an admin confirms', async () => {
    const { domain, scim, dir } = await scenario('okta-scim-v2');
    // 6 pushed people; a guard of more than 20 % and at least 3 within 10 minutes.
    await db.update(s.scimDirectories).set({ guardPercent: 20, guardMinimum: 3 }).where(eq(s.scimDirectories.id, dir.id));
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await scim('POST', 'Users', { schemas: [SCHEMAS.user], userName: `g${i}@${domain}`, active: true });
      ids.push(res.body.id);
    }
    const off = (i: number) => scim('PATCH', `Users/${ids[i]}`, { Operations: [{ op: 'replace', value: { active: false } }] });
    const on = (i: number) => scim('PATCH', `Users/${ids[i]}`, { Operations: [{ op: 'replace', value: { active: true } }] });
    const status = async (i: number) => (await personByEmail(`g${i}@${domain}`))!.status;
    const held = async () => (await db.select().from(s.scimDirectories).where(eq(s.scimDirectories.id, dir.id)))[0]!.heldDeactivations.map((h) => h.objectId);

    await off(0);
    await off(1);
    expect([await status(0), await status(1)]).toEqual(['inactive', 'inactive']);
    // The third within the window: 3 ≥ 3 and 3 of 6 > 20 % → held, still active.
    expect((await off(2)).status).toBe(200);
    expect(await status(2)).toBe('active');
    expect(await held()).toEqual([ids[2]]);
    const p2 = (await personByEmail(`g2@${domain}`))!;
    expect((await eventsOf(p2.id)).at(-1)).toMatchObject({ type: 'sync_skipped', reasonCode: 'deactivation_held', source: 'scim' });
    // While some are held, the next one waits with them.
    await off(3);
    expect(await held()).toEqual([ids[2], ids[3]]);
    // The IdP turns one back on: it is no longer held.
    await on(2);
    expect(await held()).toEqual([ids[3]]);
    expect(await status(2)).toBe('active');

    const { settleHeldDeactivations } = await import('@/lib/scim/events');
    const [globex] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'globex'));
    expect(await settleHeldDeactivations(db, globex!.id, dir.id, true)).toBeNull();
    expect(await settleHeldDeactivations(db, acme, dir.id, true)).toBe(1);
    expect(await status(3)).toBe('inactive');
    expect(await held()).toEqual([]);
  });
});
