// npm run bench:scim [users] — Directory Sync over SCIM on a throwaway embedded PostgreSQL:
//   seconds            N users (default 10,000) pushed by 8 concurrent clients (POST /Users,
//                      Okta's body), each through the route handlers' entry point
//                      (lib/scim/handler.ts: token, body, Jackson's handler, the event applied
//                      to people before the answer). In-process: no HTTP hop.
//   rawUpsertSeconds   the floor: the same N people rows bulk-upserted straight into PostgreSQL
//   pushToVisibleP95Ms a PATCH active:false → the person shows Inactive in the people list
//                      (lib/people/queries.ts listPeople, polled on another connection)
// Writes bench-results/scim.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { openDb } from '../lib/db/client';
import * as s from '../lib/db/schema';
import { listPeople } from '../lib/people/queries';
import { createDirectory } from '../lib/scim/directories';
import { handleScimRequest } from '../lib/scim/handler';
import { getJackson } from '../lib/sso/jackson';
import { percentile } from './lib/app-process';
import { benchDatabase, seconds } from './lib/bench-db';

const USERS = Number(process.argv[2] ?? 10_000);
const CLIENTS = 8;
const SAMPLES = Number(process.env.BENCH_VISIBLE_SAMPLES ?? 50);
const ROOT = path.resolve(import.meta.dirname, '..');
const DOMAIN = 'scim-bench.example';

const bench = await benchDatabase('scim', 12);
let exitCode = 0;
try {
  const { db, client } = bench;
  const [acme] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme'));
  const [tech] = await db.select().from(s.securityRoles).where(and(eq(s.securityRoles.organizationId, acme!.id), eq(s.securityRoles.name, 'Technician')));
  await db.insert(s.mappingRules).values({ organizationId: acme!.id, kind: 'sso', domain: DOMAIN, securityGroup: null, userType: 'employee', securityRoleId: tech!.id, position: 1 });
  const dir = await createDirectory(db, acme!.id, { name: 'Bench', provider: 'okta-scim-v2' });
  const call = (method: string, p: string, body?: unknown) =>
    handleScimRequest(db, { method, directoryId: dir.id, path: p.split('/'), query: new URLSearchParams(), body: body === undefined ? null : JSON.stringify(body), authorization: `Bearer ${dir.token}` });
  const userBody = (i: number) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `user${i}@${DOMAIN}`,
    name: { givenName: `Given${i}`, familyName: `Surname${i}` },
    emails: [{ primary: true, value: `user${i}@${DOMAIN}`, type: 'work' }],
    displayName: `Given${i} Surname${i}`,
    active: true,
  });

  let next = 0;
  let errors = 0;
  const ids: string[] = [];
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < USERS; i = next++) {
        const res = await call('POST', 'Users', userBody(i));
        if (res.status !== 201) errors++;
        else ids[i] = (res.body as { id: string }).id;
      }
    }),
  );
  const pushMs = performance.now() - t;
  const n = (await client<{ n: number }[]>`select count(*)::int as n from people where organization_id = ${acme!.id} and source = 'scim' and status = 'active'`)[0]!.n;
  console.log(`pushed ${USERS} users with ${CLIENTS} clients: ${seconds(pushMs)} s, ${errors} errors, ${n} people`);

  const COLUMNS = ['organization_id', 'type', 'status', 'source', 'first_name', 'last_name', 'username', 'email', 'phone', 'phone_type', 'job_title_id', 'department_id', 'location_id', 'manager_id', 'employment_type_id', 'security_role_id', 'employee_role_id', 'client_account_id'] as const;
  const pushed = await client<Record<(typeof COLUMNS)[number], string | null>[]>`select ${client(COLUMNS as unknown as string[])} from people where organization_id = ${acme!.id} and source = 'scim'`;
  const rows = pushed.map((r) => ({ ...r, email: `raw-${String(r.email)}` }));
  const t2 = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await client`insert into people ${client(chunk, ...COLUMNS)} on conflict (lower(email)) do update set first_name = excluded.first_name, last_name = excluded.last_name, security_role_id = excluded.security_role_id, updated_at = now()`;
  }
  const rawMs = performance.now() - t2;
  console.log(`raw bulk upsert: ${seconds(rawMs)} s`);

  // PATCH active:false → visible as Inactive in the people list, read on another connection.
  const reader = openDb(bench.url, 1);
  const visible: number[] = [];
  for (let k = 0; k < SAMPLES; k++) {
    const i = Math.floor((k * USERS) / SAMPLES);
    const email = `user${i}@${DOMAIN}`;
    const t0 = performance.now();
    const patch = call('PATCH', `Users/${ids[i]}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] });
    for (;;) {
      const page = await listPeople(reader.db, acme!.id, 'employee', { q: email, status: 'inactive' });
      if (page.rows.some((r) => r.email === email)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    visible.push(performance.now() - t0);
    if ((await patch).status !== 200) errors++;
  }
  await reader.sql.end();
  const result = {
    users: n,
    errors,
    seconds: seconds(pushMs),
    rawUpsertSeconds: seconds(rawMs),
    ratio: Math.round((pushMs / rawMs) * 100) / 100,
    pushToVisibleP95Ms: Math.round(percentile(visible, 95)),
    clients: CLIENTS,
    samples: SAMPLES,
    cores: os.cpus().length,
  };
  fs.mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench-results', 'scim.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result));
  await (await getJackson()).close();
  await client.end();
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await bench.stop();
}
process.exit(exitCode);
