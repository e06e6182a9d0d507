import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { personAccess } from '@/lib/auth/access';
import { issuePendingLogin, readPendingLogin } from '@/lib/auth/pending-login';
import { codeStep, passwordStep } from '@/lib/auth/sign-in';
import { confirmEnrollment, disableTwoFactor, getTwoFactorStatus, pendingEnrollment, regenerateRecoveryCodes, startEnrollment, verifySecondFactor } from '@/lib/auth/two-factor';
import * as s from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';
import { getKaseyaOneSettings, KASEYAONE_NEEDS_TWO_FACTOR, saveKaseyaOneSettings } from '@/lib/settings/kaseyaone';
import { getRequireAdminTwoFactor, saveRequireAdminTwoFactor } from '@/lib/settings/sign-in-security';
import { testDb } from './db';
import { codeAt, enrollTwoFactor, localPerson } from './two-factor-helpers';

// Two-factor (TOTP) for local accounts on a real PostgreSQL: enrollment, the sign-in's
// second step, replay, recovery codes, turning it off, throttling, and seed 002's rule
// that only an admin with two-factor may switch Log In With KaseyaOne on.

const { db } = testDb();
beforeAll(async () => {
  await seedDemo(db);
});

const STEP = 30_000;
const events = (organizationId: string, personId: string) =>
  db.select().from(s.provisioningEvents).where(and(eq(s.provisioningEvents.organizationId, organizationId), eq(s.provisioningEvents.personId, personId)));

describe('enrollment', () => {
  it('shows a key, an otpauth URI and a QR code, and is not on until a current code confirms it', async () => {
    const p = await localPerson(db, 'acme');
    const started = await startEnrollment(db, p.organizationId, p.id, p.email);
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const { secret, uri, qrDataUrl } = started.data;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toMatch(/^otpauth:\/\/totp\/.+\?.*secret=[A-Z2-7]{32}/);
    expect(decodeURIComponent(uri)).toContain(p.email);
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(await getTwoFactorStatus(db, p.organizationId, p.id)).toMatchObject({ enabled: false });
    // A reload of the setup page shows the same pending key.
    expect((await pendingEnrollment(db, p.organizationId, p.id, p.email))?.secret).toBe(secret);

    // The secret is stored sealed, never in clear.
    const [row] = await db.select().from(s.personTwoFactor).where(eq(s.personTwoFactor.personId, p.id));
    expect(row!.pendingSecret).toMatch(/^v1\./);
    expect(row!.pendingSecret).not.toContain(secret);

    const now = new Date();
    expect(await confirmEnrollment(db, p.organizationId, p.id, '000000', now)).toMatchObject({ ok: false, fieldErrors: { code: expect.stringContaining('does not match') } });
    expect(await confirmEnrollment(db, p.organizationId, p.id, 'not a code', now)).toMatchObject({ ok: false, fieldErrors: { code: expect.any(String) } });
    expect(await getTwoFactorStatus(db, p.organizationId, p.id)).toMatchObject({ enabled: false });

    const confirmed = await confirmEnrollment(db, p.organizationId, p.id, await codeAt(secret, now), now);
    expect(confirmed.ok).toBe(true);
    if (!confirmed.ok) return;
    const codes = confirmed.data.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(await getTwoFactorStatus(db, p.organizationId, p.id)).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });

    // Recovery codes are stored hashed (bcrypt), not in clear.
    const stored = await db.select().from(s.recoveryCodes).where(eq(s.recoveryCodes.personId, p.id));
    expect(stored).toHaveLength(10);
    for (const r of stored) {
      expect(r.codeHash).toMatch(/^\$2[aby]\$/);
      expect(codes.some((c) => r.codeHash.includes(c) || r.codeHash.includes(c.replace('-', '')))).toBe(false);
    }
    const [on] = await db.select().from(s.personTwoFactor).where(eq(s.personTwoFactor.personId, p.id));
    expect(on).toMatchObject({ pendingSecret: null, secret: expect.stringMatching(/^v1\./) });

    // Audited on the person, as their own change.
    expect(await events(p.organizationId, p.id)).toEqual([expect.objectContaining({ type: 'person_updated', source: 'local', actorPersonId: p.id, diff: { twoFactor: { before: false, after: true } }, detail: { what: 'two_factor_enabled' } })]);

    // Once on, a new setup is refused (it would replace the key silently).
    expect(await startEnrollment(db, p.organizationId, p.id, p.email)).toMatchObject({ ok: false, error: 'Two-factor authentication is already on.' });
  });

  it('is for password accounts: a person who only signs in through SSO cannot set it up', async () => {
    const p = await localPerson(db, 'acme');
    await db.update(s.people).set({ passwordHash: null }).where(and(eq(s.people.organizationId, p.organizationId), eq(s.people.id, p.id)));
    expect(await startEnrollment(db, p.organizationId, p.id, p.email)).toMatchObject({ ok: false, error: expect.stringContaining('single sign-on') });
    expect(await db.select().from(s.personTwoFactor).where(eq(s.personTwoFactor.personId, p.id))).toEqual([]);
  });

  it('keeps to the organization: another organization’s id finds nothing', async () => {
    const p = await localPerson(db, 'acme');
    const { secret } = await enrollTwoFactor(db, p.organizationId, p.id);
    const [globex] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'globex'));
    const later = new Date(Date.now() + 2 * STEP);
    expect(await verifySecondFactor(db, globex!.id, p.id, await codeAt(secret, later), later)).toEqual({ ok: false });
    expect(await getTwoFactorStatus(db, globex!.id, p.id)).toMatchObject({ enabled: false });
    expect(await startEnrollment(db, globex!.id, p.id, p.email)).toMatchObject({ ok: false });
    expect(await confirmEnrollment(db, globex!.id, p.id, await codeAt(secret, later), later)).toMatchObject({ ok: false });
    // The other organization's attempt did not touch this person's two-factor.
    expect(await getTwoFactorStatus(db, p.organizationId, p.id)).toMatchObject({ enabled: true });
  });
});

describe('codes', () => {
  it('accepts a current code once: the same code again is refused, the code used to confirm setup too, the next one works', async () => {
    const p = await localPerson(db, 'acme');
    const t0 = new Date();
    const { secret } = await enrollTwoFactor(db, p.organizationId, p.id, t0);
    // The code that confirmed enrollment cannot sign in.
    expect(await verifySecondFactor(db, p.organizationId, p.id, await codeAt(secret, t0), t0)).toEqual({ ok: false });
    const t1 = new Date(t0.getTime() + STEP);
    const code = await codeAt(secret, t1);
    expect(await verifySecondFactor(db, p.organizationId, p.id, code, t1)).toMatchObject({ ok: true, method: 'totp', recoveryCodesLeft: 10 });
    // Replayed within its window (still valid for the clock a step later): refused.
    expect(await verifySecondFactor(db, p.organizationId, p.id, code, t1)).toEqual({ ok: false });
    expect(await verifySecondFactor(db, p.organizationId, p.id, code, new Date(t1.getTime() + 10_000))).toEqual({ ok: false });
    // Spaces are forgiven; a later step's code works.
    const t2 = new Date(t1.getTime() + STEP);
    const next = await codeAt(secret, t2);
    expect(await verifySecondFactor(db, p.organizationId, p.id, `${next.slice(0, 3)} ${next.slice(3)}`, t2)).toMatchObject({ ok: true });
  });

  it('allows one step of clock drift, not more', async () => {
    const p = await localPerson(db, 'acme');
    const t0 = new Date();
    const { secret } = await enrollTwoFactor(db, p.organizationId, p.id, t0);
    const now = new Date(t0.getTime() + 10 * STEP);
    expect(await verifySecondFactor(db, p.organizationId, p.id, await codeAt(secret, new Date(now.getTime() - 3 * STEP)), now)).toEqual({ ok: false });
    expect(await verifySecondFactor(db, p.organizationId, p.id, await codeAt(secret, new Date(now.getTime() - STEP)), now)).toMatchObject({ ok: true });
  });

  it('two requests racing with one code: exactly one wins', async () => {
    const p = await localPerson(db, 'acme');
    const t0 = new Date();
    const { secret } = await enrollTwoFactor(db, p.organizationId, p.id, t0);
    const t1 = new Date(t0.getTime() + STEP);
    const code = await codeAt(secret, t1);
    const results = await Promise.all([1, 2, 3].map(() => verifySecondFactor(db, p.organizationId, p.id, code, t1)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('a recovery code works once, in any case and with or without its dash, and is audited', async () => {
    const p = await localPerson(db, 'acme');
    const { recoveryCodes } = await enrollTwoFactor(db, p.organizationId, p.id);
    const code = recoveryCodes[3]!;
    expect(await verifySecondFactor(db, p.organizationId, p.id, ` ${code.toUpperCase().replace('-', '')} `)).toEqual({ ok: true, method: 'recovery', recoveryCodesLeft: 9 });
    expect(await verifySecondFactor(db, p.organizationId, p.id, code)).toEqual({ ok: false });
    expect(await verifySecondFactor(db, p.organizationId, p.id, 'abcde-fghjk')).toEqual({ ok: false });
    expect(await getTwoFactorStatus(db, p.organizationId, p.id)).toMatchObject({ recoveryCodesLeft: 9 });
    const used = (await events(p.organizationId, p.id)).find((e) => e.detail.what === 'recovery_code_used');
    expect(used).toMatchObject({ type: 'person_updated', detail: { recoveryCodesLeft: 9 } });
  });
});

describe('sign-in in two steps', () => {
  it('a password alone signs in an account without two-factor', async () => {
    const p = await localPerson(db, 'acme');
    expect(await passwordStep(db, { email: p.email, password: p.password }, '192.0.2.10')).toMatchObject({ ok: true, user: { id: p.id, organizationId: p.organizationId } });
  });

  it('with two-factor on, the password gives only a pending token; the code step gives the user', async () => {
    const p = await localPerson(db, 'acme', { role: 'Administrator' });
    const t0 = new Date();
    const { secret, recoveryCodes } = await enrollTwoFactor(db, p.organizationId, p.id, t0);
    const first = await passwordStep(db, { email: p.email.toUpperCase(), password: p.password }, '192.0.2.11');
    expect(first.ok).toBe('two_factor');
    if (first.ok !== 'two_factor') return;
    // The token is sealed: it names the person only to us.
    expect(first.token).not.toContain(p.id);
    expect(readPendingLogin(first.token)).toMatchObject({ personId: p.id, organizationId: p.organizationId });

    const t1 = new Date(t0.getTime() + STEP);
    const lastLogin = async () => (await db.select({ at: s.people.lastLoginAt }).from(s.people).where(eq(s.people.id, p.id)))[0]!.at;
    // Not signed in yet: no login time.
    expect(await lastLogin()).toBeNull();
    expect(await codeStep(db, { token: first.token, code: '123456' }, '192.0.2.11', t1)).toEqual({ ok: false, code: 'invalid_code' });
    expect(await lastLogin()).toBeNull();
    const ok = await codeStep(db, { token: first.token, code: await codeAt(secret, t1) }, '192.0.2.11', t1);
    expect((await lastLogin())?.toISOString()).toBe(t1.toISOString());
    expect(ok).toMatchObject({ ok: true, method: 'totp', user: { id: p.id, organizationId: p.organizationId, isAdmin: true, email: p.email } });
    // A recovery code also completes the step.
    expect(await codeStep(db, { token: first.token, code: recoveryCodes[0]! }, '192.0.2.11', t1)).toMatchObject({ ok: true, method: 'recovery', recoveryCodesLeft: 9 });

    // A wrong password never reaches the code step.
    expect(await passwordStep(db, { email: p.email, password: 'wrong' }, '192.0.2.11')).toEqual({ ok: false, code: 'invalid' });
  });

  it('refuses an expired, altered or foreign token, and a person deactivated since the password', async () => {
    const p = await localPerson(db, 'acme');
    const { secret } = await enrollTwoFactor(db, p.organizationId, p.id);
    const t = new Date(Date.now() + STEP);
    const code = await codeAt(secret, t);
    const token = issuePendingLogin({ personId: p.id, organizationId: p.organizationId, email: p.email }, new Date(t.getTime() - 301_000));
    expect(await codeStep(db, { token, code }, null, t)).toEqual({ ok: false, code: 'expired' });
    const fresh = issuePendingLogin({ personId: p.id, organizationId: p.organizationId, email: p.email }, t);
    const altered = fresh.slice(0, -3) + (fresh.endsWith('A') ? 'BBB' : 'AAA');
    expect(await codeStep(db, { token: altered, code }, null, t)).toEqual({ ok: false, code: 'expired' });
    expect(await codeStep(db, { token: 'v1.x.y.z', code }, null, t)).toEqual({ ok: false, code: 'expired' });
    await db.update(s.people).set({ status: 'inactive' }).where(and(eq(s.people.organizationId, p.organizationId), eq(s.people.id, p.id)));
    expect(await codeStep(db, { token: fresh, code }, null, t)).toEqual({ ok: false, code: 'inactive' });
  });

  it('throttles wrong codes like passwords: after five the account is locked, even for the right code', async () => {
    const p = await localPerson(db, 'acme');
    const t0 = new Date();
    const { secret } = await enrollTwoFactor(db, p.organizationId, p.id, t0);
    const first = await passwordStep(db, { email: p.email, password: p.password }, '198.51.100.40');
    if (first.ok !== 'two_factor') throw new Error('expected the code step');
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await codeStep(db, { token: first.token, code: String(100000 + i) }, '198.51.100.40', t0));
    expect(results.slice(0, 4).map((r) => r.ok === false && r.code)).toEqual(['invalid_code', 'invalid_code', 'invalid_code', 'invalid_code']);
    expect(results[4]).toEqual({ ok: false, code: 'throttled:60' });
    // Locked for the account from any address, even with the right code.
    const t1 = new Date(t0.getTime() + STEP);
    expect(await codeStep(db, { token: first.token, code: await codeAt(secret, t1) }, '198.51.100.41', t1)).toMatchObject({ ok: false, code: expect.stringMatching(/^throttled:\d+$/) });
    const [lock] = (await db.select().from(s.provisioningEvents).where(eq(s.provisioningEvents.personId, p.id))).filter((e) => e.reasonCode === 'too_many_attempts');
    expect(lock!.detail).toMatchObject({ kind: 'totp', scope: 'account' });
    expect(String(lock!.detail.detail)).toContain('wrong two-factor code attempts');
  });
});

describe('turning two-factor off', () => {
  it('needs the password and a current code (or a recovery code); then the key and codes are gone, audited', async () => {
    const p = await localPerson(db, 'acme');
    const t0 = new Date();
    const { secret, recoveryCodes } = await enrollTwoFactor(db, p.organizationId, p.id, t0);
    const t1 = new Date(t0.getTime() + STEP);
    const code = await codeAt(secret, t1);
    expect(await disableTwoFactor(db, p.organizationId, p.id, { password: 'wrong', code }, null, t1)).toMatchObject({ ok: false, fieldErrors: { password: 'That password is not right.' } });
    expect(await disableTwoFactor(db, p.organizationId, p.id, { password: p.password, code: '000000' }, null, t1)).toMatchObject({ ok: false, fieldErrors: { code: expect.stringContaining('That code is not right') } });
    expect(await getTwoFactorStatus(db, p.organizationId, p.id)).toMatchObject({ enabled: true });
    expect(await disableTwoFactor(db, p.organizationId, p.id, { password: p.password, code: recoveryCodes[9]! }, null, t1)).toEqual({ ok: true, data: undefined });
    expect(await getTwoFactorStatus(db, p.organizationId, p.id)).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0 });
    expect(await db.select().from(s.recoveryCodes).where(eq(s.recoveryCodes.personId, p.id))).toEqual([]);
    expect(await db.select().from(s.personTwoFactor).where(eq(s.personTwoFactor.personId, p.id))).toEqual([]);
    expect(await events(p.organizationId, p.id)).toContainEqual(expect.objectContaining({ type: 'person_updated', actorPersonId: p.id, diff: { twoFactor: { before: true, after: false } }, detail: { what: 'two_factor_disabled' } }));
    // Off: the password alone signs in again.
    expect(await passwordStep(db, { email: p.email, password: p.password }, null)).toMatchObject({ ok: true });
  });
});

describe('new recovery codes', () => {
  it('need the password and a code; then ten new codes work and every earlier one, used or not, stops working; audited', async () => {
    const p = await localPerson(db, 'acme');
    const t0 = new Date('2026-12-04T10:00:00Z');
    const { secret, recoveryCodes: old } = await enrollTwoFactor(db, p.organizationId, p.id, t0);
    const t1 = new Date(t0.getTime() + STEP);
    expect(await verifySecondFactor(db, p.organizationId, p.id, old[0]!, t1)).toMatchObject({ ok: true, method: 'recovery', recoveryCodesLeft: 9 });
    const codesBefore = await db.select().from(s.recoveryCodes).where(eq(s.recoveryCodes.personId, p.id));

    // Wrong password, wrong code: field errors, and the codes stay as they were.
    expect(await regenerateRecoveryCodes(db, p.organizationId, p.id, { password: 'wrong', code: await codeAt(secret, t1) }, null, t1)).toMatchObject({ ok: false, fieldErrors: { password: 'That password is not right.' } });
    expect(await regenerateRecoveryCodes(db, p.organizationId, p.id, { password: p.password, code: '000000' }, null, t1)).toMatchObject({ ok: false, fieldErrors: { code: expect.stringContaining('That code is not right') } });
    expect(await db.select().from(s.recoveryCodes).where(eq(s.recoveryCodes.personId, p.id))).toEqual(codesBefore);

    const made = await regenerateRecoveryCodes(db, p.organizationId, p.id, { password: p.password, code: await codeAt(secret, t1) }, null, t1);
    if (!made.ok) throw new Error(made.error);
    const fresh = made.data.recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(new Set([...fresh, ...old]).size).toBe(20);
    expect(await getTwoFactorStatus(db, p.organizationId, p.id)).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    // Only hashes are kept.
    const stored = await db.select().from(s.recoveryCodes).where(eq(s.recoveryCodes.personId, p.id));
    expect(stored.some((r) => fresh.includes(r.codeHash))).toBe(false);
    for (const code of [old[1]!, old[0]!]) expect(await verifySecondFactor(db, p.organizationId, p.id, code, t1)).toEqual({ ok: false });
    expect(await verifySecondFactor(db, p.organizationId, p.id, fresh[3]!, t1)).toMatchObject({ ok: true, method: 'recovery', recoveryCodesLeft: 9 });
    expect(await events(p.organizationId, p.id)).toContainEqual(expect.objectContaining({ type: 'person_updated', actorPersonId: p.id, detail: expect.objectContaining({ what: 'recovery_codes_regenerated', recoveryCodesLeft: 10 }) }));
    // The authenticator app keeps working.
    expect(await verifySecondFactor(db, p.organizationId, p.id, await codeAt(secret, new Date(t1.getTime() + STEP)), new Date(t1.getTime() + STEP))).toMatchObject({ ok: true, method: 'totp' });
  });

  it('are refused when two-factor is off, and for another organization’s person', async () => {
    const p = await localPerson(db, 'acme');
    expect(await regenerateRecoveryCodes(db, p.organizationId, p.id, { password: p.password, code: '123456' }, null)).toEqual({ ok: false, error: 'Two-factor authentication is off: there are no recovery codes to replace.' });
    const { secret } = await enrollTwoFactor(db, p.organizationId, p.id);
    const [globex] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'globex'));
    expect(await regenerateRecoveryCodes(db, globex!.id, p.id, { password: p.password, code: await codeAt(secret, new Date()) }, null)).toEqual({ ok: false, error: 'Your account was not found.' });
    expect(await getTwoFactorStatus(db, p.organizationId, p.id)).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
  });
});

describe('seed 002: "You should have implemented Two-Factor Authentication"', () => {
  it('only an admin with two-factor on can switch Enable Log In With KaseyaOne on; the refusal is a field error and changes nothing', async () => {
    const admin = await localPerson(db, 'globex', { role: 'Administrator' });
    const before = await getKaseyaOneSettings(db, admin.organizationId);
    expect(before.values.loginEnabled).toBe(false);
    const input = { ...before.values, loginEnabled: true, kaseyaOneOrgId: 'k1-partner-globex' };
    expect(await saveKaseyaOneSettings(db, admin.organizationId, admin.id, input)).toEqual({ ok: false, error: 'Check the highlighted fields.', fieldErrors: { loginEnabled: KASEYAONE_NEEDS_TWO_FACTOR } });
    expect((await getKaseyaOneSettings(db, admin.organizationId)).values.loginEnabled).toBe(false);

    await enrollTwoFactor(db, admin.organizationId, admin.id);
    expect(await saveKaseyaOneSettings(db, admin.organizationId, admin.id, input)).toMatchObject({ ok: true, changed: ['loginEnabled'] });
    expect((await getKaseyaOneSettings(db, admin.organizationId)).values.loginEnabled).toBe(true);

    // Once on, another admin without two-factor may still save other settings, and switch it off.
    const other = await localPerson(db, 'globex', { role: 'Administrator' });
    expect(await saveKaseyaOneSettings(db, admin.organizationId, other.id, { ...input, seatCap: '5' })).toMatchObject({ ok: true, changed: ['seatCap'] });
    expect(await saveKaseyaOneSettings(db, admin.organizationId, other.id, { ...input, seatCap: '5', loginEnabled: false })).toMatchObject({ ok: true, changed: ['loginEnabled'] });
    expect(await saveKaseyaOneSettings(db, admin.organizationId, other.id, { ...input, seatCap: '5' })).toMatchObject({ ok: false, fieldErrors: { loginEnabled: KASEYAONE_NEEDS_TWO_FACTOR } });
  });

  it('"Require two-factor for administrators" is off by default and read fresh for each request', async () => {
    const admin = await localPerson(db, 'acme', { role: 'Administrator' });
    expect(await personAccess(db, admin.organizationId, admin.id)).toMatchObject({ isAdmin: true, twoFactorEnabled: false, requireAdminTwoFactor: false });
    await db.update(s.provisioningSettings).set({ requireAdminTwoFactor: true }).where(eq(s.provisioningSettings.organizationId, admin.organizationId));
    expect(await personAccess(db, admin.organizationId, admin.id)).toMatchObject({ requireAdminTwoFactor: true, twoFactorEnabled: false });
    await enrollTwoFactor(db, admin.organizationId, admin.id);
    expect(await personAccess(db, admin.organizationId, admin.id)).toMatchObject({ requireAdminTwoFactor: true, twoFactorEnabled: true });
    await db.update(s.provisioningSettings).set({ requireAdminTwoFactor: false }).where(eq(s.provisioningSettings.organizationId, admin.organizationId));
  });

  it('saving "Require two-factor for administrators" is audited as before → after, and a save without a change writes nothing', async () => {
    const admin = await localPerson(db, 'globex', { role: 'Administrator' });
    expect(await getRequireAdminTwoFactor(db, admin.organizationId)).toBe(false);
    expect(await saveRequireAdminTwoFactor(db, admin.organizationId, admin.id, true)).toBe(true);
    expect(await saveRequireAdminTwoFactor(db, admin.organizationId, admin.id, true)).toBe(false);
    expect(await getRequireAdminTwoFactor(db, admin.organizationId)).toBe(true);
    const changes = await db.select().from(s.provisioningEvents).where(and(eq(s.provisioningEvents.organizationId, admin.organizationId), eq(s.provisioningEvents.actorPersonId, admin.id)));
    expect(changes).toEqual([expect.objectContaining({ type: 'settings_changed', diff: { requireAdminTwoFactor: { before: false, after: true } }, detail: { what: 'require_admin_two_factor' } })]);
    await saveRequireAdminTwoFactor(db, admin.organizationId, admin.id, false);
  });
});
