import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../lib/db/embedded';
import { migrateDatabase } from '../lib/db/migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL (any database) where each test file makes its own database from the template. */
    testServerUrl: string;
    templateDb: string;
    runId: string;
  }
}

/**
 * One PostgreSQL for the run: an embedded throwaway cluster, or TEST_DATABASE_URL.
 * A migrated template database is cloned per test file, so files run in parallel
 * without seeing each other's rows.
 */
export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}${process.pid}`;
  const external = process.env.TEST_DATABASE_URL;
  let stop: () => Promise<void> = async () => {};
  let serverUrl: string;
  let dataDir: string | undefined;
  if (external) {
    serverUrl = external;
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ap-vitest-'));
    fs.chmodSync(dataDir, 0o755);
    const pg = await startEmbeddedPostgres({ dataDir });
    serverUrl = pg.url;
    stop = pg.stop;
  }
  const templateDb = `ap_tpl_${runId}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${templateDb}"`);
  await migrateDatabase(withDatabase(serverUrl, templateDb));
  project.provide('testServerUrl', serverUrl);
  project.provide('templateDb', templateDb);
  project.provide('runId', runId);

  return async () => {
    const dbs = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`ap_%${runId}%`}`;
    for (const { datname } of dbs) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    await admin.end();
    await stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
