// npm run bench:scim [users] — Directory Sync over SCIM on a throwaway embedded PostgreSQL.
// Every figure of one run is measured on the same database, one after another:
//   jacksonOnlySeconds  the floor SAML Jackson sets: N users (Okta's POST /Users body) handed to
//                       Jackson's own request handler by 8 concurrent clients, its event callback
//                       doing nothing — Jackson's per-request store and nothing of ours
//   inProcessSeconds    N users through our handler (lib/scim/handler.ts: token, body, Jackson,
//                       the event applied to people before the answer), called in-process
//   seconds             N users over HTTP to the running app (scripts/start.ts, `next start`),
//                       8 concurrent clients, each request answered after its person exists
//   rawUpsertSeconds    the same N people rows bulk-upserted straight into PostgreSQL
//   pushToVisibleP95Ms  a PATCH active:false over HTTP → the person shows Inactive in the people
//                       list (lib/people/queries.ts listPeople, polled on another connection)
// BENCH_SCIM_HTTP=0 skips the app (no build): `seconds` is then the in-process figure.
// Writes bench-results/scim.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { openDb } from '../lib/db/client';
import { freePort } from '../lib/db/embedded';
import * as s from '../lib/db/schema';
import { listPeople } from '../lib/people/queries';
import { createDirectory } from '../lib/scim/directories';
import { handleScimRequest } from '../lib/scim/handler';
import { getJackson } from '../lib/sso/jackson';
import { percentile, startApp, type AppProcess } from './lib/app-process';
import { benchDatabase, seconds } from './lib/bench-db';

const USERS = Number(process.argv[2] ?? 10_000);
const CLIENTS = 8;
const SAMPLES = Number(process.env.BENCH_VISIBLE_SAMPLES ?? 50);
const HTTP = process.env.BENCH_SCIM_HTTP !== '0';
const ROOT = path.resolve(import.meta.dirname, '..');

type Answer = { status: number; body: unknown };
type Call = (method: string, p: string, body?: unknown) => Promise<Answer>;

const userBody = (i: number, domain: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: `user${i}@${domain}`,
  name: { givenName: `Given${i}`, familyName: `Surname${i}` },
  emails: [{ primary: true, value: `user${i}@${domain}`, type: 'work' }],
  displayName: `Given${i} Surname${i}`,
  active: true,
});

/** N creates by 8 concurrent clients; the SCIM ids by user number, the errors and the wall time. */
async function push(call: Call, domain: string) {
  let next = 0;
  let errors = 0;
  const ids: string[] = [];
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < USERS; i = next++) {
        const res = await call('POST', 'Users', userBody(i, domain)).catch(() => ({ status: 0, body: null }));
        if (res.status !== 201) errors++;
        else ids[i] = (res.body as { id: string }).id;
      }
    }),
  );
  return { ids, errors, ms: performance.now() - t };
}

const bench = await benchDatabase('scim', 12);
let app: AppProcess | undefined;
let appDir: string | undefined;
let exitCode = 0;
try {
  const { db, client } = bench;
  const [acme] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme'));
  const [tech] = await db.select().from(s.securityRoles).where(and(eq(s.securityRoles.organizationId, acme!.id), eq(s.securityRoles.name, 'Technician')));
  const directory = async (name: string, domain: string) => {
    await db.insert(s.mappingRules).values({ organizationId: acme!.id, kind: 'sso', domain, securityGroup: null, userType: 'employee', securityRoleId: tech!.id, position: 1 });
    return createDirectory(db, acme!.id, { name, provider: 'okta-scim-v2' });
  };
  const activePeople = async (domain: string) =>
    (await client<{ n: number }[]>`select count(*)::int as n from people where organization_id = ${acme!.id} and source = 'scim' and status = 'active' and email like ${`%@${domain}`}`)[0]!.n;

  // 1. Jackson alone, first, so the tables it grows slow our runs, not the floor.
  const floorDir = await directory('Jackson only', 'floor.scim-bench.example');
  const dsync = (await getJackson()).directorySyncController;
  const secret = (await dsync.directories.get(floorDir.id)).data!.scim.secret;
  const floor = await push(async (method, _p, body) => {
    const out = await dsync.requests.handle({ method, body: body as never, directoryId: floorDir.id, resourceType: 'users', resourceId: undefined, apiSecret: secret, query: {} }, async () => {});
    return { status: out.status, body: out.data };
  }, 'floor.scim-bench.example');
  console.log(`Jackson alone: ${USERS} users, ${CLIENTS} clients: ${seconds(floor.ms)} s, ${floor.errors} errors`);

  // 2. Our handler in-process.
  const local = await directory('In-process', 'local.scim-bench.example');
  const inProcess = await push(
    (method, p, body) =>
      handleScimRequest(db, { method, directoryId: local.id, path: p.split('/'), query: new URLSearchParams(), body: body === undefined ? null : JSON.stringify(body), authorization: `Bearer ${local.token}` }),
    'local.scim-bench.example',
  );
  const localPeople = await activePeople('local.scim-bench.example');
  console.log(`our handler in-process: ${seconds(inProcess.ms)} s, ${inProcess.errors} errors, ${localPeople} people`);

  // 3. Over HTTP to the running app, on this same database.
  let overHttp = inProcess;
  let people = localPeople;
  let call: Call = (method, p, body) =>
    handleScimRequest(db, { method, directoryId: local.id, path: p.split('/'), query: new URLSearchParams(), body: body === undefined ? null : JSON.stringify(body), authorization: `Bearer ${local.token}` });
  if (HTTP) {
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--build-only'], { cwd: ROOT, stdio: 'inherit' });
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ap-bench-scim-app-'));
    const remote = await directory('Over HTTP', 'http.scim-bench.example');
    app = await startApp({
      dataDir: appDir,
      port: await freePort(),
      ephemeral: true,
      env: { DATABASE_URL: bench.url, AUTH_SECRET: process.env.AUTH_SECRET!, ENCRYPTION_KEY: process.env.ENCRYPTION_KEY! },
    });
    const base = `${app.url}/api/scim/v2.0/${remote.id}`;
    call = async (method, p, body) => {
      const res = await fetch(`${base}/${p}`, {
        method,
        headers: { authorization: `Bearer ${remote.token}`, 'content-type': 'application/scim+json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    // Warm-up: the route loads and Jackson starts inside the app.
    if ((await call('GET', 'Users')).status !== 200) throw new Error('the app does not serve SCIM');
    overHttp = await push(call, 'http.scim-bench.example');
    people = await activePeople('http.scim-bench.example');
    console.log(`over HTTP to the app: ${seconds(overHttp.ms)} s, ${overHttp.errors} errors, ${people} people`);
  }

  // 4. The floor: the in-process run's people rows, bulk-upserted under other emails.
  const COLUMNS = ['organization_id', 'type', 'status', 'source', 'first_name', 'last_name', 'username', 'email', 'phone', 'phone_type', 'job_title_id', 'department_id', 'location_id', 'manager_id', 'employment_type_id', 'security_role_id', 'employee_role_id', 'client_account_id'] as const;
  const pushed = await client<Record<(typeof COLUMNS)[number], string | null>[]>`select ${client(COLUMNS as unknown as string[])} from people where organization_id = ${acme!.id} and source = 'scim' and email like '%@local.scim-bench.example'`;
  const rows = pushed.map((r) => ({ ...r, email: `raw-${String(r.email)}` }));
  const t2 = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await client`insert into people ${client(chunk, ...COLUMNS)} on conflict (lower(email)) do update set first_name = excluded.first_name, last_name = excluded.last_name, security_role_id = excluded.security_role_id, updated_at = now()`;
  }
  const rawMs = performance.now() - t2;
  console.log(`raw bulk upsert: ${seconds(rawMs)} s`);

  // 5. PATCH active:false → visible as Inactive in the people list, read on another connection.
  const domain = HTTP ? 'http.scim-bench.example' : 'local.scim-bench.example';
  const reader = openDb(bench.url, 1);
  const visible: number[] = [];
  let errors = floor.errors + inProcess.errors + (HTTP ? overHttp.errors : 0);
  for (let k = 0; k < SAMPLES; k++) {
    const i = Math.floor((k * USERS) / SAMPLES);
    const email = `user${i}@${domain}`;
    const t0 = performance.now();
    const patch = call('PATCH', `Users/${overHttp.ids[i]}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] });
    for (;;) {
      const page = await listPeople(reader.db, acme!.id, 'employee', { q: email, status: 'inactive' });
      if (page.rows.some((r) => r.email === email)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    visible.push(performance.now() - t0);
    if ((await patch).status !== 200) errors++;
  }
  await reader.sql.end();
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const result = {
    users: people,
    errors,
    seconds: seconds(overHttp.ms),
    rawUpsertSeconds: seconds(rawMs),
    ratio: ratio(overHttp.ms, rawMs),
    pushToVisibleP95Ms: Math.round(percentile(visible, 95)),
    overHttp: HTTP,
    inProcessSeconds: seconds(inProcess.ms),
    inProcessRatio: ratio(inProcess.ms, rawMs),
    jacksonOnlySeconds: seconds(floor.ms),
    jacksonOnlyRatio: ratio(floor.ms, rawMs),
    ratioToJacksonOnly: ratio(overHttp.ms, floor.ms),
    clients: CLIENTS,
    samples: SAMPLES,
    cores: os.cpus().length,
    loadAverage: Math.round(os.loadavg()[0]! * 10) / 10,
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
  await app?.stop();
  if (appDir) fs.rmSync(appDir, { recursive: true, force: true });
  await bench.stop();
}
process.exit(exitCode);
