import type { Db } from '@/lib/db/client';
import { personAccess } from './access';
import { authenticateLocal, recordLogin } from './local';
import { issuePendingLogin, readPendingLogin } from './pending-login';
import { checkThrottle, recordFailure, recordSuccess, type Attempt } from './throttle';
import { verifySecondFactor } from './two-factor';

// The two steps of a local sign-in, without next-auth (lib/auth/index.ts wraps them in
// its credentials providers). A correct password for an account with two-factor on gives
// no session, only a sealed pending-login token; the code step redeems it.

export type SignedInUser = { id: string; email: string; name: string; organizationId: string; isAdmin: boolean };
export type Refusal = 'invalid' | 'inactive' | `throttled:${number}` | 'invalid_code' | 'expired';
export type PasswordStep = { ok: true; user: SignedInUser } | { ok: false; code: Refusal } | { ok: 'two_factor'; token: string };
export type CodeStep = { ok: true; user: SignedInUser; method: 'totp' | 'recovery'; recoveryCodesLeft: number } | { ok: false; code: Refusal };

export async function passwordStep(db: Db, input: { email: string; password: string }, ip: string | null, now = new Date()): Promise<PasswordStep> {
  const attempt: Attempt = { account: input.email, ip };
  const verdict = await checkThrottle(db, 'password', attempt);
  if (!verdict.ok) return { ok: false, code: `throttled:${verdict.retryAfterSeconds}` };
  const result = await authenticateLocal(db, input.email, input.password, now);
  if (!result.ok && result.code === 'invalid') {
    const after = await recordFailure(db, 'password', attempt);
    return { ok: false, code: after.ok ? 'invalid' : `throttled:${after.retryAfterSeconds}` };
  }
  await recordSuccess(db, 'password', attempt);
  if (!result.ok) return { ok: false, code: 'inactive' };
  const p = result.person;
  if (result.twoFactor) {
    return { ok: 'two_factor', token: issuePendingLogin({ personId: p.id, organizationId: p.organizationId, email: p.email }, now) };
  }
  return { ok: true, user: { id: p.id, email: p.email, name: p.name, organizationId: p.organizationId, isAdmin: p.isAdmin } };
}

/**
 * The second step: the pending-login token from the password step and a current TOTP
 * code or a recovery code. Wrong codes are throttled per account and address (kind 'totp').
 */
export async function codeStep(db: Db, input: { token: string; code: string }, ip: string | null, now = new Date()): Promise<CodeStep> {
  const pending = readPendingLogin(input.token, now);
  if (!pending) return { ok: false, code: 'expired' };
  const attempt: Attempt = { account: pending.email, ip };
  const verdict = await checkThrottle(db, 'totp', attempt);
  if (!verdict.ok) return { ok: false, code: `throttled:${verdict.retryAfterSeconds}` };
  // Re-read: deactivated or turned off since the password step → start again.
  const access = await personAccess(db, pending.organizationId, pending.personId);
  if (!access?.active) return { ok: false, code: 'inactive' };
  if (!access.twoFactorEnabled) return { ok: false, code: 'expired' };
  const second = await verifySecondFactor(db, pending.organizationId, pending.personId, input.code, now);
  if (!second.ok) {
    const after = await recordFailure(db, 'totp', attempt);
    return { ok: false, code: after.ok ? 'invalid_code' : `throttled:${after.retryAfterSeconds}` };
  }
  await recordSuccess(db, 'totp', attempt);
  await recordLogin(db, pending.organizationId, pending.personId, now);
  return {
    ok: true,
    method: second.method,
    recoveryCodesLeft: second.recoveryCodesLeft,
    user: { id: pending.personId, email: access.email, name: access.name, organizationId: pending.organizationId, isAdmin: access.isAdmin },
  };
}
