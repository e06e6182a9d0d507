import { randomUUID } from 'node:crypto';
import { open, seal } from '@/lib/crypto/secrets';

// Between the password and the two-factor code a sign-in is only "pending": no session
// exists. The pending state travels as a sealed token (AES-256-GCM under ENCRYPTION_KEY,
// lib/crypto), so it cannot be forged or altered, and it expires after a few minutes.

export const PENDING_LOGIN_SECONDS = 300;
/** The browser keeps the token in this httpOnly cookie, sent to the login pages only. */
export const PENDING_COOKIE = 'ap_two_factor';
const CONTEXT = 'pending-login:v1';

export type PendingLogin = { personId: string; organizationId: string; email: string; expiresAt: number };

export function issuePendingLogin(person: { personId: string; organizationId: string; email: string }, now = new Date()): string {
  const payload: PendingLogin & { nonce: string } = { ...person, expiresAt: now.getTime() + PENDING_LOGIN_SECONDS * 1000, nonce: randomUUID() };
  return seal(JSON.stringify(payload), CONTEXT);
}

/** The pending sign-in a token stands for, or null when it is expired, altered or not one of ours. */
export function readPendingLogin(token: string | null | undefined, now = new Date()): PendingLogin | null {
  if (!token || token.length > 2000) return null;
  try {
    const p = JSON.parse(open(token, CONTEXT)) as Partial<PendingLogin>;
    if (typeof p.personId !== 'string' || typeof p.organizationId !== 'string' || typeof p.email !== 'string' || typeof p.expiresAt !== 'number') return null;
    if (p.expiresAt <= now.getTime()) return null;
    return { personId: p.personId, organizationId: p.organizationId, email: p.email, expiresAt: p.expiresAt };
  } catch {
    return null;
  }
}
