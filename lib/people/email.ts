import { and, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { organizationForEmail } from '@/lib/sso/organizations';

// Whether an admin of one organization may give a person this email. Another
// organization's verified domain is theirs alone (or its people's SSO logins would be
// refused as other_org), and a clash with another organization's person reads exactly
// like that refusal, so no admin can learn who exists elsewhere.

export const EMAIL_TAKEN = 'Another person already uses this email address.';
export const EMAIL_UNAVAILABLE = 'This email address can’t be used. Choose another one.';

/** null when the email is free for this organization; else the field error to show. */
export async function emailRefusal(db: Db | Tx, organizationId: string, email: string, exceptPersonId?: string): Promise<string | null> {
  const owner = await organizationForEmail(db as Db, email);
  if (owner && owner.id !== organizationId) return EMAIL_UNAVAILABLE;
  const [taken] = await db
    .select({ organizationId: s.people.organizationId })
    .from(s.people)
    .where(and(sql`lower(${s.people.email}) = lower(${email})`, ...(exceptPersonId ? [ne(s.people.id, exceptPersonId)] : [])));
  if (!taken) return null;
  return taken.organizationId === organizationId ? EMAIL_TAKEN : EMAIL_UNAVAILABLE;
}
