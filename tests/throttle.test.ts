import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkThrottle, recordFailure, recordSuccess, type ThrottlePolicy } from '@/lib/auth/throttle';
import { openDb } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { getEnv } from '@/lib/env';
import { testDb } from './db';

// The password/code throttle on its real PostgreSQL store. Two pools stand for two app
// instances: what one counts, the other sees.

const { db } = testDb();
const other = openDb(getEnv().DATABASE_URL!, 2);
const FAST: ThrottlePolicy = { accountFailures: 3, addressFailures: 5, windowSeconds: 60, firstLockSeconds: 1, maxLockSeconds: 2 };
let acmeId = '';
let techId = '';

beforeAll(async () => {
  await seedDemo(db);
  acmeId = (await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme')))[0]!.id;
  techId = (await db.select().from(s.people).where(sql`lower(${s.people.email}) = 'tech@acme.example'`))[0]!.id;
  return () => other.sql.end({ timeout: 5 });
});

const locks = (organizationId: string) =>
  db.select().from(s.provisioningEvents).where(and(eq(s.provisioningEvents.organizationId, organizationId), eq(s.provisioningEvents.reasonCode, 'too_many_attempts')));

describe('password throttle', () => {
  it('locks an account after its free failures, for everyone and on every instance, and records the lock', async () => {
    const attempt = { account: 'Tech@Acme.example', ip: '198.51.100.1' };
    expect(await recordFailure(db, 'password', attempt, FAST)).toEqual({ ok: true });
    expect(await recordFailure(other.db, 'password', attempt, FAST)).toEqual({ ok: true });
    expect(await recordFailure(db, 'password', attempt, FAST)).toEqual({ ok: false, retryAfterSeconds: 1 });
    // Another instance, another address, the account's name in other letters: still locked.
    expect(await checkThrottle(other.db, 'password', { account: 'tech@acme.example', ip: '198.51.100.2' }, FAST)).toEqual({ ok: false, retryAfterSeconds: 1 });
    const [event] = await locks(acmeId);
    expect(event).toMatchObject({ type: 'login_denied', source: 'local', personId: techId, detail: { scope: 'account', ip: '198.51.100.1', failures: 3 } });
    expect(event!.detail.detail).toMatch(/^Tech@Acme\.example locked for 1 second after 3 wrong password attempts/);
    // The lock ends by itself.
    await expect.poll(() => checkThrottle(db, 'password', attempt, FAST), { timeout: 10_000 }).toEqual({ ok: true });
  });

  it('makes every further lock that day longer, up to the maximum', async () => {
    const attempt = { account: 'grow@nowhere.example', ip: null };
    const lockAfterThree = async () => {
      await recordFailure(db, 'password', attempt, FAST);
      await recordFailure(db, 'password', attempt, FAST);
      return recordFailure(db, 'password', attempt, FAST);
    };
    expect(await lockAfterThree()).toEqual({ ok: false, retryAfterSeconds: 1 });
    await expect.poll(() => checkThrottle(db, 'password', attempt, FAST), { timeout: 10_000 }).toEqual({ ok: true });
    expect(await lockAfterThree()).toEqual({ ok: false, retryAfterSeconds: 2 });
    await expect.poll(() => checkThrottle(db, 'password', attempt, FAST), { timeout: 10_000 }).toEqual({ ok: true });
    expect(await lockAfterThree()).toEqual({ ok: false, retryAfterSeconds: 2 });
  });

  it('answers an unknown account exactly like a known one, and logs its lock in the organization of its domain', async () => {
    const known = { account: 'root@globex.example', ip: null };
    const unknown = { account: 'nobody@globex.example', ip: null };
    const globexId = (await db.select().from(s.organizations).where(eq(s.organizations.slug, 'globex')))[0]!.id;
    for (let i = 0; i < 3; i++) {
      expect(await recordFailure(db, 'password', unknown, FAST)).toEqual(await recordFailure(db, 'password', known, FAST));
    }
    expect(await checkThrottle(db, 'password', unknown, FAST)).toEqual(await checkThrottle(db, 'password', known, FAST));
    const events = await locks(globexId);
    expect(events.map((e) => [e.detail.identity, e.personId === null])).toEqual(expect.arrayContaining([[{ email: 'nobody@globex.example' }, true], [{ email: 'root@globex.example' }, false]]));
    // An email in no organization's domain is locked all the same, logged only on the server.
    const stranger = { account: 'x@unclaimed.example', ip: null };
    for (let i = 0; i < 3; i++) await recordFailure(db, 'password', stranger, FAST);
    expect((await checkThrottle(db, 'password', stranger, FAST)).ok).toBe(false);
  });

  it('locks an address that sprays wrong passwords across accounts', async () => {
    const ip = '203.0.113.77';
    for (let i = 0; i < 4; i++) expect((await recordFailure(db, 'password', { account: `spray${i}@acme.example`, ip }, FAST)).ok).toBe(true);
    expect(await recordFailure(db, 'password', { account: 'spray4@acme.example', ip }, FAST)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(await checkThrottle(db, 'password', { account: 'root@acme.example', ip }, FAST)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(await checkThrottle(db, 'password', { account: 'root@acme.example', ip: '203.0.113.78' }, FAST)).toEqual({ ok: true });
    expect((await locks(acmeId)).some((e) => e.detail.scope === 'address' && e.detail.ip === ip)).toBe(true);
  });

  it('starts the count again after the right password, and keeps kinds apart', async () => {
    const attempt = { account: 'reset@acme.example', ip: null };
    await recordFailure(db, 'password', attempt, FAST);
    await recordFailure(db, 'password', attempt, FAST);
    await recordSuccess(db, 'password', attempt, FAST);
    expect(await recordFailure(db, 'password', attempt, FAST)).toEqual({ ok: true });
    expect(await recordFailure(db, 'password', attempt, FAST)).toEqual({ ok: true });
    // Two-factor codes count on their own.
    expect(await recordFailure(db, 'totp', attempt, FAST)).toEqual({ ok: true });
    expect(await checkThrottle(db, 'totp', attempt, FAST)).toEqual({ ok: true });
  });
});
