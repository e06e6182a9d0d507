// npm run bench:sync [users] — Azure AD sync against the fake Microsoft Graph (in its own
// process, 200-user delta pages as Graph sends) on a throwaway embedded PostgreSQL:
//   initialS        first full sync of N users in 200 groups (one Mapping Rule per group)
//   rawUpsertS      the floor: the same N people rows (all columns the sync wrote) bulk-upserted straight into PostgreSQL
//   incremental1kS  a sync after 1,000 users changed (median of three rounds)
//   idleRunS        a sync when nothing changed (what every interval costs)
//   reevaluateS     a Mapping Rule edited (its Security Role): every stored user decided again
//                   from the stored copy, no users/delta read (the settings run)
//   reevaluateEmailSourceS  the email source switched: every one of the N people gets a new email
//   propagationP95S single changes made at random moments, picked up by the real worker and
//                   scheduler with the default 60 s interval: change → visible in the app
// Writes bench-results/sync.json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { eq, sql } from 'drizzle-orm';
import { saveConnection } from '../lib/azure/connections';
import { syncConnection } from '../lib/azure/sync';
import { startSyncWorker, stopSyncWorker } from '../lib/azure/worker';
import * as s from '../lib/db/schema';
import { reloadEnv } from '../lib/env';
import { saveRule } from '../lib/settings/mapping-rules';
import { fakeGraphControl } from '../e2e/graph/control';
import type { FakeUser } from '../e2e/graph/fake-graph';
import { percentile } from './lib/app-process';
import { benchDatabase, seconds } from './lib/bench-db';

const USERS = Number(process.argv[2] ?? 100_000);
const GROUPS = 200;
const SAMPLES = Number(process.env.BENCH_PROPAGATION_SAMPLES ?? 40);
const ROOT = path.resolve(import.meta.dirname, '..');
const TENANT_ID = '0b5e7c1d-2f3a-4b5c-8d9e-0f1a2b3c4d5e';
const TENANT = 'bench.onmicrosoft.com';
const APP_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const SECRET = 'bench-secret-value-0123456789';

const guid = (prefix: number, i: number) => `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const userOf = (i: number, surname = `Surname${i}`): FakeUser => ({
  id: guid(1, i),
  givenName: `Given${i}`,
  surname,
  userPrincipalName: `user${i}@${TENANT}`,
  mail: `user${i}@bench.example`,
  businessPhones: [`+1 555 ${String(i).padStart(7, '0')}`],
  jobTitle: ['Engineer', 'Dispatcher', 'Technician', 'Manager', 'Analyst'][i % 5]!,
  accountEnabled: true,
});

const fake = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'e2e/graph/cli.ts'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const { url } = JSON.parse(await new Promise<string>((resolve) => readline.createInterface({ input: fake.stdout! }).once('line', resolve))) as { url: string };
process.env.AZURE_LOGIN_URL = url;
process.env.AZURE_GRAPH_URL = url;
reloadEnv();
const graph = fakeGraphControl(url);

const bench = await benchDatabase('sync', 8);
try {
  const { db, client } = bench;
  const [acme] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme'));
  const roles = await db.select().from(s.securityRoles).where(eq(s.securityRoles.organizationId, acme!.id));

  // The directory: N users, 200 groups, every user in one group.
  await graph.addTenant({ tenantId: TENANT_ID, domain: TENANT, apps: [{ appId: APP_ID, secret: SECRET }] });
  await graph.setConsent(TENANT_ID, APP_ID, true);
  const users = Array.from({ length: USERS }, (_, i) => userOf(i));
  for (let i = 0; i < users.length; i += 20_000) await graph.upsertUsers(TENANT_ID, users.slice(i, i + 20_000));
  for (let g = 0; g < GROUPS; g++) await graph.addGroup(TENANT_ID, { id: guid(2, g), displayName: `Group ${g}` });
  for (let g = 0; g < GROUPS; g++) await graph.addMembers(TENANT_ID, guid(2, g), users.filter((_, i) => i % GROUPS === g).map((u) => u.id));
  for (let g = 0; g < GROUPS; g++) {
    const res = await saveRule(db, acme!.id, acme!.rootPersonId!, { domain: '', securityGroup: guid(2, g), userType: g % 10 === 9 ? 'contact' : 'employee', securityRoleId: roles[g % roles.length]!.id, position: g, departmentId: '', locationId: '', employeeRoleId: '' }, 'azure');
    if (!res.ok) throw new Error(JSON.stringify(res));
  }
  const saved = await saveConnection(db, acme!.id, acme!.rootPersonId!, { tenant: TENANT, applicationId: APP_ID, applicationKey: SECRET, emailSource: 'mail', intervalSeconds: 60, guardPercent: 20, guardMinimum: 10, maxFailures: 5 });
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  const connectionId = saved.id;
  await db.update(s.azureConnections).set({ consentedAt: new Date(), tenantId: TENANT_ID, status: 'connected' }).where(eq(s.azureConnections.id, saved.id));
  console.log(`directory ready: ${USERS} users, ${GROUPS} groups`);

  let t = performance.now();
  const initial = await syncConnection(db, saved.id, { trigger: 'manual' });
  const initialMs = performance.now() - t;
  const [run] = await db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.id, (initial as { runId: string }).runId));
  console.log(`initial sync: ${seconds(initialMs)} s (${run!.status}: read ${run!.read}, created ${run!.created}, skipped ${run!.skipped})`);
  if (run!.created !== USERS) throw new Error(`expected ${USERS} created, got ${run!.created}`);

  // The floor: the same people rows the sync wrote (every column, the rule's and the
  // defaults' references included, so the same foreign keys are checked), bulk-upserted
  // in 1,000-row statements into the same PostgreSQL, under other addresses.
  const COLUMNS = ['organization_id', 'type', 'status', 'source', 'first_name', 'last_name', 'username', 'email', 'phone', 'phone_type', 'job_title_id', 'department_id', 'location_id', 'manager_id', 'employment_type_id', 'security_role_id', 'employee_role_id', 'client_account_id'] as const;
  const synced = await client<Record<(typeof COLUMNS)[number], string | null>[]>`select ${client(COLUMNS as unknown as string[])} from people where organization_id = ${acme!.id} and source = 'azure_ad'`;
  const rows = synced.map((r) => ({ ...r, email: `raw-${String(r.email)}` }));
  if (rows.length !== USERS) throw new Error(`expected ${USERS} synced rows, found ${rows.length}`);
  t = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await client`insert into people ${client(chunk, ...COLUMNS)} on conflict (lower(email)) do update set first_name = excluded.first_name, last_name = excluded.last_name, phone = excluded.phone, security_role_id = excluded.security_role_id, updated_at = now()`;
  }
  const rawMs = performance.now() - t;
  console.log(`raw bulk upsert: ${seconds(rawMs)} s`);

  // A run when nothing changed: what every interval costs (delta read, memberships, comparison).
  t = performance.now();
  await sync();
  const idleMs = performance.now() - t;
  console.log(`run with nothing changed: ${seconds(idleMs)} s`);

  // 1,000 changed users, three times (other users each time); the median is reported, since
  // one run can meet a checkpoint or autovacuum after the bulk loads above.
  const incRuns: number[] = [];
  for (let round = 0; round < 3; round++) {
    const changed = Array.from({ length: 1000 }, (_, k) => userOf(k * Math.floor(USERS / 1000) + round, `Changed${round}-${k}`));
    await graph.upsertUsers(TENANT_ID, changed);
    t = performance.now();
    const inc = await sync();
    incRuns.push(performance.now() - t);
    const [incRun] = await db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.id, inc.runId));
    console.log(`incremental 1k: ${seconds(incRuns.at(-1)!)} s (read ${incRun!.read}, updated ${incRun!.updated})`);
    if (incRun!.updated !== 1000) throw new Error(`expected 1000 updated, got ${incRun!.updated}`);
  }
  const incMs = [...incRuns].sort((a, b) => a - b)[1]!;

  // A settings change: one rule's Security Role edited, then the settings run the console queues.
  const [rule0] = await db.select().from(s.mappingRules).where(eq(s.mappingRules.securityGroup, guid(2, 0)));
  const edited = await saveRule(db, acme!.id, acme!.rootPersonId!, { id: rule0!.id, domain: '', securityGroup: rule0!.securityGroup, userType: rule0!.userType, securityRoleId: roles[(roles.findIndex((r) => r.id === rule0!.securityRoleId) + 1) % roles.length]!.id, position: rule0!.position, departmentId: '', locationId: '', employeeRoleId: '' }, 'azure');
  if (!edited.ok) throw new Error(JSON.stringify(edited));
  t = performance.now();
  const reeval = await syncConnection(db, connectionId, { trigger: 'settings' });
  const reevalMs = performance.now() - t;
  const [reevalRun] = await db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.id, (reeval as { runId: string }).runId));
  console.log(`re-evaluation after a rule change: ${seconds(reevalMs)} s (${reevalRun!.status}, updated ${reevalRun!.updated})`);
  if (reevalRun!.status !== 'succeeded' || reevalRun!.updated !== USERS / GROUPS) throw new Error(`expected ${USERS / GROUPS} updated by the settings run, got ${JSON.stringify(reevalRun)}`);

  // The heaviest settings change: a new email source gives all N people a new address.
  const switched = await saveConnection(db, acme!.id, acme!.rootPersonId!, { id: connectionId, tenant: TENANT, applicationId: APP_ID, applicationKey: '', emailSource: 'user_principal_name', intervalSeconds: 60, guardPercent: 20, guardMinimum: 10, maxFailures: 5 });
  if (!switched.ok) throw new Error(JSON.stringify(switched));
  t = performance.now();
  const reemail = await syncConnection(db, connectionId, { trigger: 'settings' });
  const reemailMs = performance.now() - t;
  const [reemailRun] = await db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.id, (reemail as { runId: string }).runId));
  console.log(`re-evaluation after the email source changed: ${seconds(reemailMs)} s (${reemailRun!.status}, updated ${reemailRun!.updated})`);
  if (reemailRun!.updated !== USERS) throw new Error(`expected ${USERS} updated, got ${reemailRun!.updated}`);
  // Back to mail for the propagation part, whose changes are found by that address.
  await saveConnection(db, acme!.id, acme!.rootPersonId!, { id: connectionId, tenant: TENANT, applicationId: APP_ID, applicationKey: '', emailSource: 'mail', intervalSeconds: 60, guardPercent: 20, guardMinimum: 10, maxFailures: 5 });
  await syncConnection(db, connectionId, { trigger: 'settings' });

  // Propagation: the real worker and scheduler, default interval; changes at random moments.
  let p95 = NaN;
  if (SAMPLES > 0) {
  await db.update(s.azureConnections).set({ nextSyncAt: new Date() }).where(eq(s.azureConnections.id, saved.id));
  const worker = await startSyncWorker(db, { databaseUrl: bench.url });
  const latencies: number[] = [];
  const window = 240_000;
  const offsets = Array.from({ length: SAMPLES }, () => Math.random() * window).sort((a, b) => a - b);
  const start = Date.now();
  await Promise.all(
    offsets.map(async (offset, k) => {
      await new Promise((r) => setTimeout(r, offset));
      const i = 500 + k * 997;
      const surname = `Moved${k}-${Date.now()}`;
      const changedAt = Date.now();
      await graph.upsertUser(TENANT_ID, userOf(i, surname));
      for (;;) {
        const [p] = await db.select({ lastName: s.people.lastName }).from(s.people).where(sql`lower(${s.people.email}) = ${`user${i}@bench.example`}`);
        if (p?.lastName === surname) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      latencies.push((Date.now() - changedAt) / 1000);
    }),
  );
  await worker.stop();
  await stopSyncWorker();
  p95 = Math.round(percentile(latencies, 95) * 10) / 10;
  console.log(`propagation over ${Math.round((Date.now() - start) / 1000)} s: ${SAMPLES} changes, p50 ${Math.round(percentile(latencies, 50) * 10) / 10} s, p95 ${p95} s`);
  }

  const result = {
    users: USERS,
    initialS: seconds(initialMs),
    rawUpsertS: seconds(rawMs),
    ratio: Math.round((initialMs / rawMs) * 100) / 100,
    incremental1kS: seconds(incMs),
    incremental1kRunsS: incRuns.map(seconds),
    idleRunS: seconds(idleMs),
    reevaluateS: seconds(reevalMs),
    reevaluateEmailSourceS: seconds(reemailMs),
    propagationP95S: p95,
    propagationSamples: SAMPLES,
  };
  fs.mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench-results', 'sync.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result));
  await client.end();

  async function sync() {
    const out = await syncConnection(db, connectionId, { trigger: 'manual' });
    if (out.status !== 'succeeded') throw new Error(JSON.stringify(out));
    return out as { runId: string };
  }
} finally {
  await bench.stop();
  fake.kill();
}
process.exit(0);
