import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Sql } from 'postgres';
import { RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '@/lib/db/client';
import { people, provisioningEvents } from '@/lib/db/schema';
import { organizationForEmail } from '@/lib/sso/organizations';

// Throttling for anything a person proves with a secret: passwords and two-factor codes
// (lib/auth/sign-in.ts, lib/auth/two-factor.ts). Failures are counted per account and per client address in PostgreSQL
// (rate-limiter-flexible's RateLimiterPostgres on table auth_throttle), so every app
// instance sees the same counts. Past the free failures an account or address is locked,
// and each further lock within a day lasts twice as long. Counting is by the account name
// as typed, whether or not it exists, so the answers never tell which accounts exist.
//
//   const verdict = await checkThrottle(db, 'totp', { account: personEmail, ip });
//   if (!verdict.ok) → refuse, "try again in" verdict.retryAfterSeconds
//   …check the code…
//   wrong → await recordFailure(db, 'totp', attempt)   right → await recordSuccess(db, 'totp', attempt)

export type ThrottleKind = 'password' | 'totp';
export type Attempt = { account: string; ip: string | null };
export type Verdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export type ThrottlePolicy = {
  /** Failures per account within `windowSeconds` before it is locked. */
  accountFailures: number;
  /** Failures per client address within `windowSeconds` before it is locked (password spraying). */
  addressFailures: number;
  windowSeconds: number;
  /** The first lock; every further lock within a day doubles it, up to maxLockSeconds. */
  firstLockSeconds: number;
  maxLockSeconds: number;
};

export const DEFAULT_POLICY: ThrottlePolicy = { accountFailures: 5, addressFailures: 30, windowSeconds: 900, firstLockSeconds: 60, maxLockSeconds: 3600 };

type Limiters = { failures: Record<Scope, RateLimiterPostgres>; locks: RateLimiterPostgres; blocked: RateLimiterPostgres };
type Scope = 'account' | 'address';

const TABLE = 'auth_throttle';
const cache = new WeakMap<Db, Map<string, Limiters>>();

/** RateLimiterPostgres speaks pg's `query({ text, values })`; this answers it through our postgres.js pool. */
function storeClient(db: Db) {
  // drizzle keeps the postgres.js client it was built on as $client.
  const client = (db as unknown as { $client?: Sql }).$client;
  if (!client) throw new Error('throttle: the database handle has no postgres.js client');
  return {
    async query(q: { text: string; values?: unknown[] }) {
      const rows = await client.unsafe(q.text, (q.values ?? []) as never[]);
      return { rows: [...rows], rowCount: rows.count };
    },
  };
}

function limiters(db: Db, kind: ThrottleKind, policy: ThrottlePolicy): Limiters {
  let byKind = cache.get(db);
  if (!byKind) cache.set(db, (byKind = new Map()));
  const cacheKey = `${kind}:${JSON.stringify(policy)}`;
  const found = byKind.get(cacheKey);
  if (found) return found;
  const make = (keyPrefix: string, points: number, duration: number) =>
    new RateLimiterPostgres({ storeClient: storeClient(db), storeType: 'client', tableName: TABLE, tableCreated: true, clearExpiredByTimeout: false, keyPrefix: `${kind}:${keyPrefix}`, points, duration });
  const made: Limiters = {
    failures: { account: make('fail:account', policy.accountFailures, policy.windowSeconds), address: make('fail:address', policy.addressFailures, policy.windowSeconds) },
    locks: make('locks', 10_000, 86_400),
    blocked: make('blocked', 1, 1),
  };
  byKind.set(cacheKey, made);
  return made;
}

const hash = (value: string) => createHash('sha256').update(value).digest('base64url');
const keys = (a: Attempt): Partial<Record<Scope, string>> => ({
  account: `account:${hash(a.account.trim().toLowerCase())}`,
  ...(a.ip ? { address: `address:${hash(a.ip)}` } : {}),
});

/** Whether this account and address may try now; when not, for how long they must wait. */
export async function checkThrottle(db: Db, kind: ThrottleKind, attempt: Attempt, policy = DEFAULT_POLICY): Promise<Verdict> {
  const { blocked } = limiters(db, kind, policy);
  let wait = 0;
  for (const key of Object.values(keys(attempt))) {
    const res = await blocked.get(key);
    if (res && res.consumedPoints > blocked.points) wait = Math.max(wait, res.msBeforeNext);
  }
  return wait > 0 ? { ok: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { ok: true };
}

/**
 * A wrong secret. Counts it for the account and the address; when either reaches its
 * limit it is locked (growing with every lock that day) and the lock is recorded as a
 * provisioning event of the account's organization, where an admin can find it.
 */
export async function recordFailure(db: Db, kind: ThrottleKind, attempt: Attempt, policy = DEFAULT_POLICY): Promise<Verdict> {
  const l = limiters(db, kind, policy);
  let wait = 0;
  for (const [scope, key] of Object.entries(keys(attempt)) as [Scope, string][]) {
    const limiter = l.failures[scope];
    const res: RateLimiterRes = await limiter.penalty(key, 1);
    if (res.consumedPoints < limiter.points) continue;
    const lockNumber = (await l.locks.penalty(key, 1)).consumedPoints;
    const seconds = Math.min(policy.firstLockSeconds * 2 ** (lockNumber - 1), policy.maxLockSeconds);
    await l.blocked.block(key, seconds);
    await limiter.delete(key);
    wait = Math.max(wait, seconds);
    await recordLock(db, kind, attempt, { scope, seconds, failures: res.consumedPoints, lockNumber });
  }
  return wait > 0 ? { ok: false, retryAfterSeconds: wait } : { ok: true };
}

/** The right secret: the account's failure count starts again (the address's does not). */
export async function recordSuccess(db: Db, kind: ThrottleKind, attempt: Attempt, policy = DEFAULT_POLICY): Promise<void> {
  const key = keys(attempt).account!;
  await limiters(db, kind, policy).failures.account.delete(key);
}

const WHAT: Record<ThrottleKind, string> = { password: 'password', totp: 'two-factor code' };

async function recordLock(db: Db, kind: ThrottleKind, attempt: Attempt, lock: { scope: Scope; seconds: number; failures: number; lockNumber: number }) {
  const email = attempt.account.trim();
  const [person] = await db
    .select({ id: people.id, organizationId: people.organizationId })
    .from(people)
    .where(sql`lower(${people.email}) = lower(${email})`)
    .limit(1);
  const organizationId = person?.organizationId ?? (await organizationForEmail(db, email))?.id;
  const until = new Date(Date.now() + lock.seconds * 1000);
  const sentence =
    lock.scope === 'account'
      ? `${email} locked for ${describeWait(lock.seconds)} after ${lock.failures} wrong ${WHAT[kind]} attempts (lock ${lock.lockNumber} today)`
      : `Address ${attempt.ip} locked for ${describeWait(lock.seconds)} after ${lock.failures} wrong ${WHAT[kind]} attempts across accounts; the last was for ${email}`;
  if (!organizationId) {
    console.warn(`[auth] ${sentence} (no organization to record it in)`);
    return;
  }
  await db.insert(provisioningEvents).values({
    organizationId,
    type: 'login_denied',
    reasonCode: 'too_many_attempts',
    source: 'local',
    personId: person?.id ?? null,
    detail: { detail: sentence, identity: { email }, kind, scope: lock.scope, ip: attempt.ip, lockedUntil: until.toISOString(), failures: lock.failures },
  });
}

/** "45 seconds", "2 minutes", "1 hour": what a locked person reads. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 6) / 10;
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}
