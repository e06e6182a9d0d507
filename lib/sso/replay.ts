import { createHash } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { lt, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { samlAssertionsSeen } from '@/lib/db/schema';

const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
// Longer than any assertion validity window plus Jackson's 10-minute clock skew.
const KEEP_MS = 24 * 3600 * 1000;

/**
 * The ids of every assertion in a SAMLResponse (encrypted ones by the digest of their
 * ciphertext). Reading ids only: signatures are Jackson's job, before anything is trusted.
 */
export function assertionIds(samlResponseBase64: string): string[] {
  const xml = Buffer.from(samlResponseBase64, 'base64').toString('utf8');
  let doc: ReturnType<DOMParser['parseFromString']>;
  try {
    doc = new DOMParser({ onError: () => {} }).parseFromString(xml, 'text/xml');
  } catch {
    return [];
  }
  const ids: string[] = [];
  const assertions = doc.getElementsByTagNameNS(ASSERTION_NS, 'Assertion');
  for (let i = 0; i < assertions.length; i++) {
    const id = assertions.item(i)?.getAttribute('ID');
    if (id) ids.push(id);
  }
  const encrypted = doc.getElementsByTagNameNS(ASSERTION_NS, 'EncryptedAssertion');
  for (let i = 0; i < encrypted.length; i++) {
    ids.push(`enc:${createHash('sha256').update(encrypted.item(i)?.textContent ?? '').digest('hex')}`);
  }
  return ids;
}

/**
 * Claims the response's assertions. 'replayed' when any was seen before; a response with
 * no readable assertion is left to Jackson, which refuses it.
 */
export async function claimAssertions(db: Db, samlResponseBase64: string, now = new Date()): Promise<'fresh' | 'replayed'> {
  const ids = assertionIds(samlResponseBase64);
  if (ids.length === 0) return 'fresh';
  const expiresAt = new Date(now.getTime() + KEEP_MS);
  const inserted = await db
    .insert(samlAssertionsSeen)
    .values(ids.map((assertionId) => ({ assertionId, expiresAt })))
    .onConflictDoNothing()
    .returning({ id: samlAssertionsSeen.assertionId })
    // Prepared: one round trip instead of two (a describe first) on every ACS post.
    .prepare('claim_assertions')
    .execute();
  // Opportunistic clean-up keeps the table at about one day of logins.
  if (Math.random() < 0.02) await db.delete(samlAssertionsSeen).where(lt(samlAssertionsSeen.expiresAt, sql`now()`));
  return inserted.length === ids.length ? 'fresh' : 'replayed';
}
