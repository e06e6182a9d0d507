import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { createDirectory } from '@/lib/scim/directories';
import { getJackson } from '@/lib/sso/jackson';
import * as route from '@/app/api/scim/v2.0/[directoryId]/[...path]/route';
import { testDb } from './db';
import { SCHEMAS, scimClient } from './scim-fixture';

// Groups converge on the IdP's retry (issue 12, "nothing is lost on a crash or a retry"): a full
// member list (PUT /Groups, PATCH replace members), a rename and a group delete whose apply to
// people fails after Jackson stored it (the failure injected by a trigger on people, as in
// tests/scim-provisioning.test.ts) answer 500 (through the route handler in the PUT case: a SCIM
// error with a reference, no raw error); the identical retry answers 200 with every member's role
// and groups what the group says; a third identical request changes nothing.

const { db } = testDb();
let acme = '';
const role: Record<string, string> = {};
const GROUP = 'Service Managers';

beforeAll(async () => {
  await seedDemo(db);
  const [org] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme'));
  acme = org!.id;
  for (const r of await db.select().from(s.securityRoles).where(eq(s.securityRoles.organizationId, acme))) role[r.name] = r.id;
});
afterAll(async () => {
  await (await getJackson()).close();
});

/** A fresh domain whose SSO rules give Technician to anyone and Service Manager to the group's members; an Okta directory. */
async function scenario() {
  const domain = `groups-${randomBytes(3).toString('hex')}.example`;
  await db.insert(s.mappingRules).values([
    { organizationId: acme, kind: 'sso', domain, securityGroup: null, userType: 'employee', securityRoleId: role.Technician!, position: 20 },
    { organizationId: acme, kind: 'sso', domain, securityGroup: GROUP, userType: 'employee', securityRoleId: role['Service Manager']!, position: 10 },
  ]);
  const dir = await createDirectory(db, acme, { name: `okta ${domain}`, provider: 'okta-scim-v2' });
  const scim = scimClient(db, dir.id, dir.token);
  /** Pushes users by local part; their SCIM ids and emails by the same key. */
  const users = async <N extends string>(...names: N[]) => {
    const out = {} as Record<N, { id: string; email: string }>;
    for (const name of names) {
      const email = `${name}@${domain}`;
      const res = await scim('POST', 'Users', { schemas: [SCHEMAS.user], userName: email, name: { givenName: name, familyName: 'Member' }, active: true });
      expect(res.status).toBe(201);
      out[name] = { id: res.body.id as string, email };
    }
    return out;
  };
  const group = async (members: { id: string }[], displayName = GROUP) => {
    const res = await scim('POST', 'Groups', { schemas: [SCHEMAS.group], displayName, members: members.map((m) => ({ value: m.id })) });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  return { domain, dir, scim, users, group };
}

const personByEmail = async (email: string) => (await db.select().from(s.people).where(sql`lower(${s.people.email}) = lower(${email})`))[0]!;
const roleOf = async (u: { email: string }) => (await personByEmail(u.email)).securityRoleId;
/** The user's groups: our stored copy and the person's directory groups (both written in the user's transaction). */
async function groupsOf(dirId: string, u: { id: string; email: string }) {
  const [stored] = await db.select({ groups: s.scimDirectoryUsers.groups }).from(s.scimDirectoryUsers).where(and(eq(s.scimDirectoryUsers.organizationId, acme), eq(s.scimDirectoryUsers.directoryId, dirId), eq(s.scimDirectoryUsers.objectId, u.id)));
  const person = await personByEmail(u.email);
  const held = await db.select({ name: s.personGroups.groupName }).from(s.personGroups).where(and(eq(s.personGroups.personId, person.id), eq(s.personGroups.source, 'scim')));
  return { stored: [...stored!.groups].sort(), person: held.map((g) => g.name).sort() };
}
const recorded = async (dirId: string, groupId: string) =>
  (await db.select({ name: s.scimDirectoryGroups.name }).from(s.scimDirectoryGroups).where(and(eq(s.scimDirectoryGroups.organizationId, acme), eq(s.scimDirectoryGroups.directoryId, dirId), eq(s.scimDirectoryGroups.groupId, groupId))))[0]?.name ?? null;
/** The directory's provisioning events, as Provisioning Log › ?directory= counts them. */
const eventCount = async (dirId: string) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(s.provisioningEvents).where(and(eq(s.provisioningEvents.organizationId, acme), sql`${s.provisioningEvents.detail}->>'directoryId' = ${dirId}`)))[0]!.n;

/** A trigger on people that refuses, in the database, what `when` matches: the apply step fails after Jackson stored the change. */
async function failPeopleWrites(name: string, when: string) {
  await db.execute(sql.raw(`create or replace function ${name}() returns trigger language plpgsql as $$ begin raise exception 'injected failure ${name}'; end $$`));
  await db.execute(sql.raw(`create trigger ${name} before update on people for each row when (${when}) execute function ${name}()`));
  return () => db.execute(sql.raw(`drop trigger ${name} on people; drop function ${name}()`));
}
/** The request fails with the injected error (the route answers it 500). */
async function failsInjected(request: Promise<unknown>) {
  const err = await request.then(() => null, (e: Error & { cause?: Error }) => e);
  expect(`${err?.message} ${err?.cause?.message}`).toMatch(/injected failure/);
}
/** The same request through the route handler itself, as the IdP gets it over HTTP. */
async function viaRoute(dir: { id: string; token: string }, method: string, path: string, body?: unknown) {
  const req = new Request(`http://localhost/api/scim/v2.0/${dir.id}/${path}`, { method, headers: { authorization: `Bearer ${dir.token}`, 'content-type': 'application/scim+json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const res = await route[method as 'PUT'](req, { params: Promise.resolve({ directoryId: dir.id, path: path.split('/') }) });
  return { status: res.status, text: await res.text() };
}
const promotedTo = (email: string, roleId: string) => `new.email = '${email}' and new.security_role_id = '${roleId}'`;

describe('groups converge on a retry', () => {
  it('PUT /Groups with the full member list: a member added in Jackson but not applied is promoted on the retry, the dropped one demoted; a third PUT changes nothing', async () => {
    const { dir, scim, users, group } = await scenario();
    const { ann, bob, dan } = await users('ann', 'bob', 'dan');
    const groupId = await group([dan]);
    expect(await roleOf(dan)).toBe(role['Service Manager']);

    // Jackson adds ann then bob (stored), bob's promotion fails: 500, dan's removal not reached.
    const restore = await failPeopleWrites('scim_fail_put_members', promotedTo(bob.email, role['Service Manager']!));
    const put = { schemas: [SCHEMAS.group], id: groupId, displayName: GROUP, members: [{ value: ann.id }, { value: bob.id }] };
    const failed = await viaRoute(dir, 'PUT', `Groups/${groupId}`, put);
    await restore();
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.text)).toMatchObject({ schemas: [SCHEMAS.error], status: '500', detail: expect.stringMatching(/reference/) });
    expect(failed.text).not.toMatch(/injected|trigger|people/);
    // Nothing half-applied for bob: role, stored groups and person groups as before.
    expect(await roleOf(bob)).toBe(role.Technician);
    expect(await groupsOf(dir.id, bob)).toEqual({ stored: [], person: [] });
    expect(await roleOf(ann)).toBe(role['Service Manager']);

    // The IdP's retry: Jackson already has bob, so only dan's removal is an operation; bob is found by the reconcile.
    expect((await viaRoute(dir, 'PUT', `Groups/${groupId}`, put)).status).toBe(200);
    for (const u of [ann, bob]) {
      expect(await roleOf(u)).toBe(role['Service Manager']);
      expect(await groupsOf(dir.id, u)).toEqual({ stored: [GROUP], person: [GROUP] });
    }
    expect(await roleOf(dan)).toBe(role.Technician);
    expect(await groupsOf(dir.id, dan)).toEqual({ stored: [], person: [] });

    const n = await eventCount(dir.id);
    expect((await scim('PUT', `Groups/${groupId}`, put)).status).toBe(200);
    expect(await eventCount(dir.id)).toBe(n);
  });

  it('PATCH replace members: a member removed in Jackson but not applied is demoted on the retry (Jackson already matches: no add/remove); a third PATCH, and the same list as a value, change nothing', async () => {
    const { dir, scim, users, group } = await scenario();
    const { ann, dan, eve } = await users('ann', 'dan', 'eve');
    const groupId = await group([dan, eve]);

    // add ann (applied), remove dan (stored by Jackson), dan's demotion fails.
    const restore = await failPeopleWrites('scim_fail_replace_members', promotedTo(dan.email, role.Technician!));
    const patch = { schemas: [SCHEMAS.patch], Operations: [{ op: 'replace', path: 'members', value: [{ value: eve.id }, { value: ann.id }] }] };
    await failsInjected(scim('PATCH', `Groups/${groupId}`, patch));
    await restore();
    expect(await roleOf(dan)).toBe(role['Service Manager']);
    expect(await groupsOf(dir.id, dan)).toEqual({ stored: [GROUP], person: [GROUP] });
    const { data: jacksonMembers } = await (await getJackson()).directorySyncController.groups.getGroupMembers({ groupId });
    expect(jacksonMembers!.map((m) => m.user_id).sort()).toEqual([ann.id, eve.id].sort());

    expect((await scim('PATCH', `Groups/${groupId}`, patch)).status).toBe(200);
    expect(await roleOf(dan)).toBe(role.Technician);
    expect(await groupsOf(dir.id, dan)).toEqual({ stored: [], person: [] });
    for (const u of [ann, eve]) {
      expect(await roleOf(u)).toBe(role['Service Manager']);
      expect(await groupsOf(dir.id, u)).toEqual({ stored: [GROUP], person: [GROUP] });
    }

    const n = await eventCount(dir.id);
    expect((await scim('PATCH', `Groups/${groupId}`, patch)).status).toBe(200);
    const asValue = { schemas: [SCHEMAS.patch], Operations: [{ op: 'replace', value: { displayName: GROUP, members: [{ value: ann.id }, { value: eve.id }] } }] };
    expect((await scim('PATCH', `Groups/${groupId}`, asValue)).status).toBe(200);
    expect(await eventCount(dir.id)).toBe(n);
  });

  it('a rename: the members not yet re-decided keep the old name and the old name stays recorded until they are; the retry renames them; a third rename changes nothing', async () => {
    const { dir, scim, users, group } = await scenario();
    const { ann, bob } = await users('ann', 'bob');
    const groupId = await group([ann, bob]);
    const renamed = `${GROUP} (old)`;

    // Entra ID's form of a rename. The rule names the old name, so the members fall back to Technician; bob's fails.
    const restore = await failPeopleWrites('scim_fail_rename', promotedTo(bob.email, role.Technician!));
    const rename = { schemas: [SCHEMAS.patch], Operations: [{ op: 'Replace', path: 'displayName', value: renamed }] };
    await failsInjected(scim('PATCH', `Groups/${groupId}`, rename));
    await restore();
    expect(await roleOf(bob)).toBe(role['Service Manager']);
    expect(await groupsOf(dir.id, bob)).toEqual({ stored: [GROUP], person: [GROUP] });
    expect(await recorded(dir.id, groupId)).toBe(GROUP);

    expect((await scim('PATCH', `Groups/${groupId}`, rename)).status).toBe(200);
    for (const u of [ann, bob]) {
      expect(await roleOf(u)).toBe(role.Technician);
      expect(await groupsOf(dir.id, u)).toEqual({ stored: [renamed], person: [renamed] });
    }
    expect(await recorded(dir.id, groupId)).toBe(renamed);

    const n = await eventCount(dir.id);
    expect((await scim('PATCH', `Groups/${groupId}`, rename)).status).toBe(200);
    expect((await scim('PUT', `Groups/${groupId}`, { schemas: [SCHEMAS.group], id: groupId, displayName: renamed, members: [{ value: ann.id }, { value: bob.id }] })).status).toBe(200);
    expect(await eventCount(dir.id)).toBe(n);
  });

  it('a group DELETE Jackson stored but we did not apply: the retry re-decides the members and answers 204; a further DELETE is 404', async () => {
    const { dir, scim, users, group } = await scenario();
    const { ann } = await users('ann');
    const groupId = await group([ann]);

    const restore = await failPeopleWrites('scim_fail_group_delete', promotedTo(ann.email, role.Technician!));
    await failsInjected(scim('DELETE', `Groups/${groupId}`));
    await restore();
    expect(await roleOf(ann)).toBe(role['Service Manager']);
    expect(await recorded(dir.id, groupId)).toBe(GROUP);

    expect((await scim('DELETE', `Groups/${groupId}`)).status).toBe(204);
    expect(await roleOf(ann)).toBe(role.Technician);
    expect(await groupsOf(dir.id, ann)).toEqual({ stored: [], person: [] });
    expect(await recorded(dir.id, groupId)).toBeNull();

    const n = await eventCount(dir.id);
    expect((await scim('DELETE', `Groups/${groupId}`)).status).toBe(404);
    expect(await eventCount(dir.id)).toBe(n);
  });
});

describe('group creates converge on a retry', () => {
  it('a POST /Groups with members whose apply failed: the retry answers 409 uniqueness and applies Jackson’s group; a third POST changes nothing', async () => {
    const { dir, scim, users } = await scenario();
    const { ann, bob } = await users('ann', 'bob');
    const restore = await failPeopleWrites('scim_fail_group_create', promotedTo(bob.email, role['Service Manager']!));
    const post = { schemas: [SCHEMAS.group], displayName: GROUP, members: [{ value: ann.id }, { value: bob.id }] };
    await failsInjected(scim('POST', 'Groups', post));
    await restore();
    expect(await roleOf(bob)).toBe(role.Technician);
    expect(await groupsOf(dir.id, bob)).toEqual({ stored: [], person: [] });

    const retry = await scim('POST', 'Groups', post);
    expect(retry).toMatchObject({ status: 409, body: { schemas: [SCHEMAS.error], scimType: 'uniqueness' } });
    for (const u of [ann, bob]) {
      expect(await roleOf(u)).toBe(role['Service Manager']);
      expect(await groupsOf(dir.id, u)).toEqual({ stored: [GROUP], person: [GROUP] });
    }
    const n = await eventCount(dir.id);
    expect((await scim('POST', 'Groups', post)).status).toBe(409);
    expect(await eventCount(dir.id)).toBe(n);
  });

  it('a group Jackson created but we did not record: the retried POST records it, so the IdP can then address it by id', async () => {
    const { dir, scim, users } = await scenario();
    const { ann } = await users('ann');
    await db.execute(sql.raw(`create or replace function scim_fail_group_record() returns trigger language plpgsql as $$ begin raise exception 'injected failure scim_fail_group_record'; end $$`));
    await db.execute(sql.raw(`create trigger scim_fail_group_record before insert on scim_directory_groups for each row when (new.directory_id = '${dir.id}') execute function scim_fail_group_record()`));
    const post = { schemas: [SCHEMAS.group], displayName: GROUP, members: [] };
    await failsInjected(scim('POST', 'Groups', post));
    await db.execute(sql.raw(`drop trigger scim_fail_group_record on scim_directory_groups; drop function scim_fail_group_record()`));
    // The IdP looks the group up by name (Jackson lists it) but its id is not yet ours: 404.
    const found = await scim('GET', `Groups?filter=${encodeURIComponent(`displayName eq "${GROUP}"`)}`);
    const groupId = found.body.Resources[0].id as string;
    const add = { schemas: [SCHEMAS.patch], Operations: [{ op: 'add', path: 'members', value: [{ value: ann.id }] }] };
    expect((await scim('PATCH', `Groups/${groupId}`, add)).status).toBe(404);

    expect((await scim('POST', 'Groups', post)).status).toBe(409);
    expect(await recorded(dir.id, groupId)).toBe(GROUP);
    expect((await scim('PATCH', `Groups/${groupId}`, add)).status).toBe(200);
    expect(await roleOf(ann)).toBe(role['Service Manager']);
  });
});

describe('group requests without a failure', () => {
  it('a rename and members in one PATCH: the members get the new name once (Jackson sends them with the group as it was)', async () => {
    const { dir, scim, users, group } = await scenario();
    const { ann } = await users('ann');
    const groupId = await group([], 'Staff');
    const before = (await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.personId, (await personByEmail(ann.email)).id))).length;

    const res = await scim('PATCH', `Groups/${groupId}`, { schemas: [SCHEMAS.patch], Operations: [{ op: 'replace', value: { displayName: GROUP, members: [{ value: ann.id }] } }] });
    expect(res.status).toBe(200);
    expect(await roleOf(ann)).toBe(role['Service Manager']);
    expect(await groupsOf(dir.id, ann)).toEqual({ stored: [GROUP], person: [GROUP] });
    expect(await recorded(dir.id, groupId)).toBe(GROUP);
    const after = await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.personId, (await personByEmail(ann.email)).id));
    expect(after).toHaveLength(before + 1);
  });

  it('a full member list leaves alone the members of another group of the same name', async () => {
    const { dir, scim, users, group } = await scenario();
    const { ann, bob } = await users('ann', 'bob');
    await group([ann]);
    // Jackson refuses a second group of one name at create, but a rename makes one.
    const other = await group([bob], 'Other');
    expect((await scim('PUT', `Groups/${other}`, { schemas: [SCHEMAS.group], id: other, displayName: GROUP, members: [{ value: bob.id }] })).status).toBe(200);
    expect(await roleOf(bob)).toBe(role['Service Manager']);

    expect((await scim('PUT', `Groups/${other}`, { schemas: [SCHEMAS.group], id: other, displayName: GROUP, members: [] })).status).toBe(200);
    expect(await roleOf(bob)).toBe(role.Technician);
    expect(await groupsOf(dir.id, bob)).toEqual({ stored: [], person: [] });
    expect(await roleOf(ann)).toBe(role['Service Manager']);
    expect(await groupsOf(dir.id, ann)).toEqual({ stored: [GROUP], person: [GROUP] });
  });
});
