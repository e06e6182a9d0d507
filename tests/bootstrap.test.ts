import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDatabase } from '@/lib/db/bootstrap';
import { checkHealth } from '@/lib/health';
import { openDb } from '@/lib/db/client';
import { EnvError, getEnv, reloadEnv, requireSecrets } from '@/lib/env';

let saved: NodeJS.ProcessEnv;
let dataDir: string;
beforeEach(() => {
  saved = { ...process.env };
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ap-boot-'));
  process.env.APP_DATA_DIR = dataDir;
  reloadEnv();
});
afterEach(() => {
  process.env = saved;
  reloadEnv();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('start-up configuration', () => {
  it('KASEYAONE_PRODUCT_IDS: default psa; a list is trimmed and lower-cased; a malformed one stops start-up naming it', () => {
    delete process.env.KASEYAONE_PRODUCT_IDS;
    reloadEnv();
    expect(getEnv().KASEYAONE_PRODUCT_IDS).toEqual(['psa']);
    process.env.KASEYAONE_PRODUCT_IDS = ' PSA, bms ,psa';
    reloadEnv();
    expect(getEnv().KASEYAONE_PRODUCT_IDS).toEqual(['psa', 'bms']);
    process.env.KASEYAONE_PRODUCT_IDS = 'psa, dark web';
    reloadEnv();
    expect(() => getEnv()).toThrow(/KASEYAONE_PRODUCT_IDS: product ids are letters/);
  });

  it('with DATABASE_URL uses that server: migrates it and starts nothing embedded', async () => {
    const lines: string[] = [];
    const db = await prepareDatabase({ log: (l) => lines.push(l), productionMode: false, seed: 'never' });
    expect(db.embedded).toBeUndefined();
    expect(db.url).toBe(process.env.DATABASE_URL);
    expect(fs.existsSync(path.join(dataDir, 'pg'))).toBe(false);
    // running the migrations a second time is a no-op
    await prepareDatabase({ log: () => {}, productionMode: false, seed: 'never' });
  });

  it('in production mode with DATABASE_URL, a missing secret stops start-up naming it', async () => {
    delete process.env.AUTH_SECRET;
    reloadEnv();
    await expect(prepareDatabase({ log: () => {}, productionMode: true })).rejects.toThrow(/AUTH_SECRET is not set/);
    process.env.AUTH_SECRET = 'x'.repeat(40);
    delete process.env.ENCRYPTION_KEY;
    reloadEnv();
    await expect(prepareDatabase({ log: () => {}, productionMode: true })).rejects.toThrow(/ENCRYPTION_KEY is not set/);
  });

  it('outside production, generates missing secrets once into the data folder and reuses them', async () => {
    delete process.env.AUTH_SECRET;
    delete process.env.ENCRYPTION_KEY;
    reloadEnv();
    await prepareDatabase({ log: () => {}, productionMode: false, seed: 'never' });
    const first = requireSecrets(getEnv());
    expect(Buffer.from(first.ENCRYPTION_KEY, 'base64')).toHaveLength(32);
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    delete process.env.AUTH_SECRET;
    delete process.env.ENCRYPTION_KEY;
    reloadEnv();
    await prepareDatabase({ log: () => {}, productionMode: false, seed: 'never' });
    expect(requireSecrets(getEnv())).toEqual(first);
  });

  it('rejects a malformed variable with its name', () => {
    process.env.PORT = 'eighty';
    process.env.ENCRYPTION_KEY = 'short';
    reloadEnv();
    expect(() => getEnv()).toThrow(EnvError);
    expect(() => getEnv()).toThrow(/PORT: must be a port number/);
    expect(() => getEnv()).toThrow(/ENCRYPTION_KEY: must be 32 bytes/);
  });
});

describe('health', () => {
  it('is up when the database answers and down (without the error text) when it does not', async () => {
    const { db, sql } = openDb(getEnv().DATABASE_URL!, 1);
    expect(await checkHealth(() => db)).toEqual({ status: 'ok', database: 'up' });
    await sql.end();
    const dead = openDb('postgres://nobody:nothing@127.0.0.1:1/none', 1);
    expect(await checkHealth(() => dead.db, 3000)).toEqual({ status: 'unavailable', database: 'down' });
    await dead.sql.end();
  });
});
