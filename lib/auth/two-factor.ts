import { randomInt } from 'node:crypto';
import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Db } from '@/lib/db/client';
import { people, personTwoFactor, provisioningEvents, recoveryCodes } from '@/lib/db/schema';
import { open, seal } from '@/lib/crypto/secrets';
import { hashRecoveryCode, verifyPassword } from './password';
import { checkThrottle, describeWait, recordFailure, recordSuccess, type Attempt } from './throttle';

// Two-factor authentication (TOTP, RFC 6238) for local accounts, with otplib for the codes
// and `qrcode` for the enrollment picture. The secret is sealed with ENCRYPTION_KEY, bound
// to the person's id; recovery codes are bcrypt hashes (the password helper), each spent once.

export const ISSUER = 'Auth & Provision';
export const RECOVERY_CODE_COUNT = 10;
const PERIOD = 30;
/** One time step either side of now: clocks drift, people type slowly. */
const TOLERANCE_SECONDS = PERIOD;
// No 0/o, 1/l/i: a recovery code is read off paper.
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const secretContext = (personId: string) => `two-factor:${personId}`;

export type TwoFactorStatus = { enabled: boolean; enabledAt: Date | null; recoveryCodesLeft: number };
export type Enrollment = { secret: string; uri: string; qrDataUrl: string };
export type TwoFactorResult<T = undefined> = { ok: true; data: T } | { ok: false; error: string; fieldErrors?: Record<string, string> };
export type SecondFactor = { ok: true; method: 'totp' | 'recovery'; recoveryCodesLeft: number } | { ok: false };

const scope = (organizationId: string, personId: string) => and(eq(personTwoFactor.organizationId, organizationId), eq(personTwoFactor.personId, personId));
const codesOf = (organizationId: string, personId: string) => and(eq(recoveryCodes.organizationId, organizationId), eq(recoveryCodes.personId, personId));

export async function getTwoFactorStatus(db: Db, organizationId: string, personId: string): Promise<TwoFactorStatus> {
  const [row] = await db.select({ enabledAt: personTwoFactor.enabledAt }).from(personTwoFactor).where(scope(organizationId, personId));
  if (!row?.enabledAt) return { enabled: false, enabledAt: null, recoveryCodesLeft: 0 };
  const [left] = await db.select({ n: sql<number>`count(*)::int` }).from(recoveryCodes).where(and(codesOf(organizationId, personId), isNull(recoveryCodes.usedAt)));
  return { enabled: true, enabledAt: row.enabledAt, recoveryCodesLeft: left?.n ?? 0 };
}

/**
 * Starts (or restarts) an enrollment: a new secret, kept pending until a code from it is
 * confirmed. Two-factor that is already on is left alone.
 */
export async function startEnrollment(db: Db, organizationId: string, personId: string, label: string): Promise<TwoFactorResult<Enrollment>> {
  const status = await getTwoFactorStatus(db, organizationId, personId);
  if (status.enabled) return { ok: false, error: 'Two-factor authentication is already on.' };
  if (!(await hasLocalPassword(db, organizationId, personId))) return { ok: false, error: NO_PASSWORD };
  const secret = generateSecret();
  const pendingSecret = seal(secret, secretContext(personId));
  await db
    .insert(personTwoFactor)
    .values({ personId, organizationId, pendingSecret })
    .onConflictDoUpdate({ target: personTwoFactor.personId, set: { pendingSecret, updatedAt: new Date() }, where: eq(personTwoFactor.organizationId, organizationId) });
  return { ok: true, data: await enrollmentView(secret, label) };
}

/** The pending enrollment's key, QR code and URI again (a reload of the setup page), or null. */
export async function pendingEnrollment(db: Db, organizationId: string, personId: string, label: string): Promise<Enrollment | null> {
  const [row] = await db.select().from(personTwoFactor).where(scope(organizationId, personId));
  if (!row?.pendingSecret || row.enabledAt) return null;
  return enrollmentView(open(row.pendingSecret, secretContext(personId)), label);
}

async function enrollmentView(secret: string, label: string): Promise<Enrollment> {
  const uri = generateURI({ issuer: ISSUER, label, secret, period: PERIOD });
  return { secret, uri, qrDataUrl: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1, width: 200 }) };
}

/**
 * Turns two-factor on once a current code from the pending secret is given, and hands out
 * the recovery codes (the only time they exist in clear). Audited on the person.
 */
export async function confirmEnrollment(db: Db, organizationId: string, personId: string, code: string, now = new Date()): Promise<TwoFactorResult<{ recoveryCodes: string[] }>> {
  const [row] = await db.select().from(personTwoFactor).where(scope(organizationId, personId));
  if (row?.enabledAt) return { ok: false, error: 'Two-factor authentication is already on.' };
  if (!row?.pendingSecret) return { ok: false, error: 'Start the setup again: no key is waiting to be confirmed.' };
  const secret = open(row.pendingSecret, secretContext(personId));
  const totp = normalizeCode(code);
  const step = /^\d{6}$/.test(totp) ? await totpStep(secret, totp, null, now) : null;
  if (step === null) return { ok: false, error: 'Check the code.', fieldErrors: { code: WRONG_SETUP_CODE } };
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = await Promise.all(codes.map((c) => hashRecoveryCode(normalizeCode(c))));
  const turnedOn = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(personTwoFactor)
      .set({ secret: row.pendingSecret, pendingSecret: null, enabledAt: now, lastUsedStep: step, updatedAt: now })
      .where(and(scope(organizationId, personId), isNull(personTwoFactor.enabledAt), eq(personTwoFactor.pendingSecret, row.pendingSecret!)))
      .returning({ personId: personTwoFactor.personId });
    if (!updated) return false;
    await tx.delete(recoveryCodes).where(codesOf(organizationId, personId));
    await tx.insert(recoveryCodes).values(hashes.map((codeHash) => ({ organizationId, personId, codeHash })));
    await audit(tx, organizationId, personId, true, 'two_factor_enabled');
    return true;
  });
  if (!turnedOn) return { ok: false, error: 'The setup changed meanwhile (another window?). Start it again.' };
  return { ok: true, data: { recoveryCodes: codes } };
}

const WRONG_SETUP_CODE = 'That code does not match. Enter the 6-digit code your authenticator app shows now for this key.';

/**
 * The second step of a sign-in (or of turning two-factor off): a current TOTP code not
 * used before, or an unused recovery code, which is then spent. Not throttled here: the
 * callers count failures (throttle kind 'totp').
 */
export async function verifySecondFactor(db: Db, organizationId: string, personId: string, code: string, now = new Date()): Promise<SecondFactor> {
  const [row] = await db.select().from(personTwoFactor).where(scope(organizationId, personId));
  if (!row?.enabledAt || !row.secret) return { ok: false };
  const normalized = normalizeCode(code);
  if (/^\d{6}$/.test(normalized)) {
    const step = await totpStep(open(row.secret, secretContext(personId)), normalized, row.lastUsedStep, now);
    if (step === null) return { ok: false };
    // The step is claimed atomically: two requests with one code, only one wins.
    const [claimed] = await db
      .update(personTwoFactor)
      .set({ lastUsedStep: step })
      .where(and(scope(organizationId, personId), or(isNull(personTwoFactor.lastUsedStep), lt(personTwoFactor.lastUsedStep, step))))
      .returning({ personId: personTwoFactor.personId });
    if (!claimed) return { ok: false };
    return { ok: true, method: 'totp', recoveryCodesLeft: await unusedCodes(db, organizationId, personId) };
  }
  if (normalized.length !== 10) return { ok: false };
  const unused = await db.select({ id: recoveryCodes.id, codeHash: recoveryCodes.codeHash }).from(recoveryCodes).where(and(codesOf(organizationId, personId), isNull(recoveryCodes.usedAt)));
  for (const candidate of unused) {
    if (!(await verifyPassword(normalized, candidate.codeHash))) continue;
    const [spent] = await db
      .update(recoveryCodes)
      .set({ usedAt: now })
      .where(and(codesOf(organizationId, personId), eq(recoveryCodes.id, candidate.id), isNull(recoveryCodes.usedAt)))
      .returning({ id: recoveryCodes.id });
    if (!spent) return { ok: false };
    const left = unused.length - 1;
    await db.insert(provisioningEvents).values({
      organizationId,
      type: 'person_updated',
      source: 'local',
      actorPersonId: personId,
      personId,
      diff: {},
      detail: { what: 'recovery_code_used', detail: `A two-factor recovery code was used to sign in; ${left} left.`, recoveryCodesLeft: left },
    });
    return { ok: true, method: 'recovery', recoveryCodesLeft: left };
  }
  return { ok: false };
}

/**
 * The account's password and a current code (or a recovery code, then spent), both throttled
 * like a sign-in: what turning two-factor off and replacing the recovery codes ask for.
 */
async function confirmWithPasswordAndCode(db: Db, organizationId: string, personId: string, input: { password: string; code: string }, ip: string | null, now: Date, whenOff: string): Promise<TwoFactorResult> {
  const [person] = await db
    .select({ email: people.email, passwordHash: people.passwordHash })
    .from(people)
    .where(and(eq(people.organizationId, organizationId), eq(people.id, personId)));
  if (!person) return { ok: false, error: 'Your account was not found.' };
  const status = await getTwoFactorStatus(db, organizationId, personId);
  if (!status.enabled) return { ok: false, error: whenOff };
  const attempt: Attempt = { account: person.email, ip };
  for (const kind of ['password', 'totp'] as const) {
    const verdict = await checkThrottle(db, kind, attempt);
    if (!verdict.ok) return { ok: false, error: tooMany(verdict.retryAfterSeconds) };
  }
  if (!person.passwordHash || !(await verifyPassword(input.password, person.passwordHash))) {
    const after = await recordFailure(db, 'password', attempt);
    return after.ok ? { ok: false, error: 'Check the highlighted fields.', fieldErrors: { password: 'That password is not right.' } } : { ok: false, error: tooMany(after.retryAfterSeconds) };
  }
  await recordSuccess(db, 'password', attempt);
  const second = await verifySecondFactor(db, organizationId, personId, input.code, now);
  if (!second.ok) {
    const after = await recordFailure(db, 'totp', attempt);
    return after.ok ? { ok: false, error: 'Check the highlighted fields.', fieldErrors: { code: WRONG_CODE } } : { ok: false, error: tooMany(after.retryAfterSeconds) };
  }
  await recordSuccess(db, 'totp', attempt);
  return { ok: true, data: undefined };
}

/** Turns two-factor off, with the password and a code. Audited on the person. */
export async function disableTwoFactor(
  db: Db,
  organizationId: string,
  personId: string,
  input: { password: string; code: string },
  ip: string | null,
  now = new Date(),
): Promise<TwoFactorResult> {
  const confirmed = await confirmWithPasswordAndCode(db, organizationId, personId, input, ip, now, 'Two-factor authentication is already off.');
  if (!confirmed.ok) return confirmed;
  await db.transaction(async (tx) => {
    await tx.delete(personTwoFactor).where(scope(organizationId, personId));
    await tx.delete(recoveryCodes).where(codesOf(organizationId, personId));
    await audit(tx, organizationId, personId, false, 'two_factor_disabled');
  });
  return { ok: true, data: undefined };
}

/**
 * Ten new recovery codes, with the password and a code: every earlier code, used or not,
 * stops working. The new ones exist in clear only in this answer. Audited on the person.
 */
export async function regenerateRecoveryCodes(
  db: Db,
  organizationId: string,
  personId: string,
  input: { password: string; code: string },
  ip: string | null,
  now = new Date(),
): Promise<TwoFactorResult<{ recoveryCodes: string[] }>> {
  const confirmed = await confirmWithPasswordAndCode(db, organizationId, personId, input, ip, now, 'Two-factor authentication is off: there are no recovery codes to replace.');
  if (!confirmed.ok) return confirmed;
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = await Promise.all(codes.map((c) => hashRecoveryCode(normalizeCode(c))));
  const replaced = await db.transaction(async (tx) => {
    // Two-factor may have been turned off in another window meanwhile: then nothing is written.
    const [on] = await tx.select({ personId: personTwoFactor.personId }).from(personTwoFactor).where(and(scope(organizationId, personId), isNotNull(personTwoFactor.enabledAt))).for('update');
    if (!on) return false;
    await tx.delete(recoveryCodes).where(codesOf(organizationId, personId));
    await tx.insert(recoveryCodes).values(hashes.map((codeHash) => ({ organizationId, personId, codeHash })));
    await tx.insert(provisioningEvents).values({
      organizationId,
      type: 'person_updated',
      source: 'local',
      actorPersonId: personId,
      personId,
      diff: {},
      detail: { what: 'recovery_codes_regenerated', detail: `New two-factor recovery codes were made; the ${RECOVERY_CODE_COUNT} earlier ones no longer work.`, recoveryCodesLeft: RECOVERY_CODE_COUNT },
    });
    return true;
  });
  if (!replaced) return { ok: false, error: 'Two-factor authentication was turned off meanwhile.' };
  return { ok: true, data: { recoveryCodes: codes } };
}

export const NO_PASSWORD = 'Your account signs in through single sign-on only; two-factor for it is set at your identity provider.';

export const WRONG_CODE = 'That code is not right. Enter the current 6-digit code from your authenticator app, or one of your recovery codes.';

const tooMany = (seconds: number) => `Too many wrong attempts. Try again in ${describeWait(seconds)}.`;

/** Two-factor guards password sign-in, so only accounts with a password can set it up. */
export async function hasLocalPassword(db: Db, organizationId: string, personId: string): Promise<boolean> {
  const [row] = await db.select({ hash: people.passwordHash }).from(people).where(and(eq(people.organizationId, organizationId), eq(people.id, personId)));
  return Boolean(row?.hash);
}

/** Whether this person has two-factor on (the KaseyaOne login switch needs it). */
export async function hasTwoFactor(db: Db, organizationId: string, personId: string): Promise<boolean> {
  const [row] = await db.select({ enabledAt: personTwoFactor.enabledAt }).from(personTwoFactor).where(scope(organizationId, personId));
  return Boolean(row?.enabledAt);
}

/** The time step of a valid code newer than `after`, or null. */
async function totpStep(secret: string, token: string, after: number | null, now: Date): Promise<number | null> {
  try {
    const res = await verify({ secret, token, period: PERIOD, epoch: Math.floor(now.getTime() / 1000), epochTolerance: TOLERANCE_SECONDS, ...(after !== null ? { afterTimeStep: after } : {}) });
    return res.valid && 'timeStep' in res ? res.timeStep : null;
  } catch {
    return null;
  }
}

async function unusedCodes(db: Db, organizationId: string, personId: string): Promise<number> {
  const [left] = await db.select({ n: sql<number>`count(*)::int` }).from(recoveryCodes).where(and(codesOf(organizationId, personId), isNull(recoveryCodes.usedAt)));
  return left?.n ?? 0;
}

/** What people type: spaces, dashes and capitals do not matter. */
export function normalizeCode(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase().slice(0, 64);
}

function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function audit(tx: Tx, organizationId: string, personId: string, on: boolean, what: string) {
  await tx.insert(provisioningEvents).values({
    organizationId,
    type: 'person_updated',
    source: 'local',
    actorPersonId: personId,
    personId,
    diff: { twoFactor: { before: !on, after: on } },
    detail: { what },
  });
}
