import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { createDirectory, deleteDirectory, getDirectory, listDirectories, rotateToken } from '@/lib/scim/directories';
import { getJackson } from '@/lib/sso/jackson';
import { testDb } from './db';
import { SCHEMAS, scimClient } from './scim-fixture';

// Directories per organization (issue 12, Build 1) and the SCIM endpoint's gate: the
// directory, the bearer token, the body (Build 2). Through the route handlers' entry point.

const { db } = testDb();
const org: Record<string, string> = {};

beforeAll(async () => {
  await seedDemo(db);
  for (const o of await db.select().from(s.organizations)) org[o.slug] = o.id;
});
afterAll(async () => {
  await (await getJackson()).close();
});

describe('SCIM directories', () => {
  it('adds a directory with its SCIM base URL and a token shown once (stored only hashed), lists it for its organization only, rotates and deletes it', async () => {
    const secret = await createDirectory(db, org.acme!, { name: 'Entra provisioning', provider: 'azure-scim-v2' });
    expect(secret.endpoint).toMatch(new RegExp(`/api/scim/v2.0/${secret.id}\\?aadOptscim062020$`));
    expect(secret.token).toMatch(/^scim_[\w-]{43}$/);
    const [row] = await db.select().from(s.scimDirectories).where(eq(s.scimDirectories.id, secret.id));
    expect(row!.tokenHash).not.toContain(secret.token);
    expect(JSON.stringify(row)).not.toContain(secret.token);

    const listed = await listDirectories(db, org.acme!);
    expect(listed).toEqual([expect.objectContaining({ id: secret.id, name: 'Entra provisioning', provider: 'azure-scim-v2', providerLabel: 'Entra ID SCIM v2.0', users: 0, groups: 0, lastRequestAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(secret.token);
    expect(await listDirectories(db, org.globex!)).toEqual([]);

    const scim = scimClient(db, secret.id, secret.token);
    expect((await scim('GET', 'Users?filter=userName eq "nobody@acme.example"')).status).toBe(200);

    // Another organization's id is not found, for every operation.
    expect(await getDirectory(db, org.globex!, secret.id)).toBeNull();
    expect(await rotateToken(db, org.globex!, secret.id)).toBeNull();
    expect(await deleteDirectory(db, org.globex!, secret.id)).toBe(false);

    const rotated = (await rotateToken(db, org.acme!, secret.id))!;
    expect(rotated.token).not.toBe(secret.token);
    expect((await scim('GET', 'Users')).status).toBe(401);
    expect((await scim('GET', 'Users', undefined, { token: rotated.token })).status).toBe(200);
    const [touched] = await listDirectories(db, org.acme!);
    expect(touched!.lastRequestAt).not.toBeNull();

    expect(await deleteDirectory(db, org.acme!, secret.id)).toBe(true);
    expect(await listDirectories(db, org.acme!)).toEqual([]);
    expect((await scim('GET', 'Users', undefined, { token: rotated.token })).status).toBe(404);
    const { data } = await (await getJackson()).directorySyncController.directories.get(secret.id);
    expect(data).toBeFalsy();
  });
});

describe('SCIM endpoint gate', () => {
  it('a wrong, missing or old token answers 401 with a SCIM error and is logged once a minute per directory; an unknown directory answers 404', async () => {
    const secret = await createDirectory(db, org.acme!, { name: 'Okta', provider: 'okta-scim-v2' });
    const scim = scimClient(db, secret.id, secret.token);
    for (const token of ['wrong', `${secret.token}x`, '']) {
      const res = await scim('GET', 'Users', undefined, { token });
      expect(res).toEqual({ status: 401, body: { schemas: [SCHEMAS.error], status: '401', detail: expect.any(String) } });
    }
    expect((await scim('GET', 'Users', undefined, { token: null })).status).toBe(401);
    const refused = await db
      .select()
      .from(s.provisioningEvents)
      .where(and(eq(s.provisioningEvents.organizationId, org.acme!), eq(s.provisioningEvents.type, 'scim_request_refused'), sql`${s.provisioningEvents.detail}->>'directoryId' = ${secret.id}`));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ source: 'scim', reasonCode: 'bad_token', detail: expect.objectContaining({ directoryId: secret.id, request: 'GET /Users' }) });

    expect((await scimClient(db, '00000000-0000-4000-8000-000000000000', secret.token)('GET', 'Users')).status).toBe(404);
    expect((await scimClient(db, 'not-a-uuid', secret.token)('GET', 'Users')).status).toBe(404);
    expect((await scim('GET', 'Schemas')).status).toBe(404);
    // A user of another directory is not found through this one.
    const other = await createDirectory(db, org.globex!, { name: 'Globex Okta', provider: 'okta-scim-v2' });
    const globex = scimClient(db, other.id, other.token);
    const created = await globex('POST', 'Users', { schemas: [SCHEMAS.user], userName: 'gina@globex.example', emails: [{ value: 'gina@globex.example', primary: true }] });
    expect(created.status).toBe(201);
    for (const method of ['GET', 'DELETE']) expect((await scim(method, `Users/${created.body.id}`)).status).toBe(404);
    expect((await scim('PATCH', `Users/${created.body.id}`, { Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(404);
    expect((await globex('GET', `Users/${created.body.id}`)).status).toBe(200);
  });

  it('malformed bodies, filters and paging get SCIM errors with a scimType, never a 500, and change nothing (a fuzz of bodies)', async () => {
    const secret = await createDirectory(db, org.acme!, { name: 'Fuzz', provider: 'generic-scim-v2' });
    const scim = scimClient(db, secret.id, secret.token);
    const user = await scim('POST', 'Users', { schemas: [SCHEMAS.user], userName: 'fuzz.target@acme.example' });
    const group = await scim('POST', 'Groups', { schemas: [SCHEMAS.group], displayName: 'Fuzz group' });
    expect([user.status, group.status]).toEqual([201, 201]);

    const bodies: string[] = ['', '{', 'null', '[]', '"x"', '42', 'true', '{"userName":', '\u0000', '{}', '{"userName":""}', '{"userName":42}', '{"userName":"a","emails":"x"}', '{"userName":"a","emails":[1]}', '{"userName":"a","name":"x"}', '{"userName":"a","active":"maybe"}', '{"Operations":null}', '{"Operations":[]}', '{"Operations":[{"op":"explode"}]}', '{"Operations":[{}]}', '{"Operations":"x"}', '{"displayName":null}', '{"displayName":"g","members":[{"value":5}]}'];
    // And random byte strings and JSON with random shapes, the same every run.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const atoms = ['null', 'true', '1', '"s"', '[]', '{}', '[1,"a"]', '{"value":1}'];
    const keys = ['userName', 'emails', 'name', 'active', 'Operations', 'displayName', 'members', 'op', 'path', 'value'];
    for (let i = 0; i < 40; i++) {
      const pairs = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `"${keys[Math.floor(rand() * keys.length)]}":${atoms[Math.floor(rand() * atoms.length)]}`);
      bodies.push(`{${pairs.join(',')}}`);
      bodies.push(Array.from({ length: 1 + Math.floor(rand() * 20) }, () => String.fromCharCode(Math.floor(rand() * 256))).join(''));
    }
    const targets: [string, string][] = [
      ['POST', 'Users'],
      ['PUT', `Users/${user.body.id}`],
      ['PATCH', `Users/${user.body.id}`],
      ['POST', 'Groups'],
      ['PUT', `Groups/${group.body.id}`],
      ['PATCH', `Groups/${group.body.id}`],
    ];
    const peopleBefore = (await db.select({ id: s.people.id }).from(s.people)).length;
    let accepted = 0;
    for (const [method, path] of targets) {
      for (const raw of bodies) {
        const res = await scim(method, path, undefined, { raw });
        expect(res.status, `${method} ${path} ${JSON.stringify(raw)}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.body.schemas).toEqual([SCHEMAS.error]);
          if (res.status === 400) expect(['invalidSyntax', 'invalidValue']).toContain(res.body.scimType);
        } else accepted++;
      }
    }
    // Only the bodies that are valid SCIM got through (e.g. {"userName":"a"} as a PUT).
    expect(accepted).toBeLessThan(20);
    expect((await db.select({ id: s.people.id }).from(s.people)).length).toBe(peopleBefore);

    for (const filter of ['title eq "x"', 'userName sw "a"', 'userName eq x', '"', 'userName eq "a" or userName eq "b"']) {
      const res = await scim('GET', `Users?filter=${encodeURIComponent(filter)}`);
      expect(res).toMatchObject({ status: 400, body: { scimType: 'invalidFilter' } });
    }
    expect((await scim('GET', 'Users?startIndex=abc')).body.scimType).toBe('invalidValue');
    expect((await scim('GET', 'Users?count=-1')).status).toBe(400);
    const big = await scim('POST', 'Users', undefined, { raw: JSON.stringify({ userName: 'big@acme.example', x: 'y'.repeat(1_100_000) }) });
    expect(big.status).toBe(413);
    expect((await scim('DELETE', 'Users')).status).toBe(405);
    expect((await scim('POST', `Users/${user.body.id}`, { userName: 'x' })).status).toBe(405);
  });
});
