// npm run bench:people — 100k people in one organization on a throwaway embedded
// PostgreSQL; server time (the query function the pages call) for page 1, a deep page,
// a search and a filtered sort, p50/p95 over repeated calls. Writes bench-results/people.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { openDb } from '../lib/db/client';
import { startEmbeddedPostgres } from '../lib/db/embedded';
import { migrateDatabase } from '../lib/db/migrate';
import { organizations } from '../lib/db/schema';
import { seedDemo } from '../lib/db/seed';
import { listPeople, type PeopleQuery } from '../lib/people/queries';
import { percentile } from './lib/app-process';

const ROWS = Number(process.argv[2] ?? 100_000);
const RUNS = 40;
const ROOT = path.resolve(import.meta.dirname, '..');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ap-bench-people-'));
fs.chmodSync(dataDir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir });
try {
  await migrateDatabase(pg.url);
  const { db, sql: client } = openDb(pg.url, 4);
  await seedDemo(db);
  const [acme] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, 'acme'));
  const t0 = performance.now();
  await db.execute(sql`
    insert into people (organization_id, type, first_name, last_name, email, status, source, last_login_at, created_at)
    select ${acme!.id}, 'employee',
      (array['Ava','Ben','Cleo','Dev','Eli','Fay','Gus','Hana','Ivo','Jun'])[1 + g % 10] || g,
      (array['Smith','Nguyen','Garcia','Müller','Rossi','Kowalski','Dubois','Tanaka','Okafor','Silva'])[1 + (g / 10) % 10],
      'user' || g || '@bulk.acme.example',
      (case when g % 17 = 0 then 'inactive' else 'active' end)::person_status,
      (array['local','sso_jit','kaseyaone','azure_ad'])[1 + g % 4]::person_source,
      case when g % 3 = 0 then null else now() - (g || ' minutes')::interval end,
      now() - (g || ' seconds')::interval
    from generate_series(1, ${ROWS}) g`);
  // What autovacuum does on a live database after a bulk load: statistics and the visibility map.
  await db.execute(sql`vacuum analyze people`);
  console.log(`inserted ${ROWS} people in ${Math.round(performance.now() - t0)} ms`);

  const pageSize = 50;
  const cases: Record<string, Partial<PeopleQuery>> = {
    page1: { pageSize },
    deepPage: { pageSize, page: Math.floor(ROWS / pageSize) - 1 },
    search: { pageSize, q: 'user4242' },
    filterSort: { pageSize, status: 'active', source: 'azure_ad', sort: '-lastLogin' },
  };
  const result: Record<string, unknown> = { rows: ROWS };
  for (const [name, query] of Object.entries(cases)) {
    for (let i = 0; i < 5; i++) await listPeople(db, acme!.id, 'employee', query);
    const ms: number[] = [];
    let total = 0;
    for (let i = 0; i < RUNS; i++) {
      const s = performance.now();
      total = (await listPeople(db, acme!.id, 'employee', query)).total;
      ms.push(performance.now() - s);
    }
    result[name] = { p50Ms: Math.round(percentile(ms, 50) * 10) / 10, p95Ms: Math.round(percentile(ms, 95) * 10) / 10, matched: total };
    console.log(`${name.padEnd(10)} p50 ${(result[name] as { p50Ms: number }).p50Ms} ms  p95 ${(result[name] as { p95Ms: number }).p95Ms} ms  (${total} matched)`);
  }
  fs.mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench-results', 'people.json'), JSON.stringify(result, null, 2) + '\n');
  await client.end();
} finally {
  await pg.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
