import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { organizations } from '@/lib/db/schema';

/** The organization that verified this email's domain, if any. */
export async function organizationForEmail(db: Db, email: string): Promise<{ id: string; slug: string } | null> {
  const domain = email.slice(email.lastIndexOf('@') + 1).trim().toLowerCase();
  if (!domain) return null;
  const [org] = await db
    .select({ id: organizations.id, slug: organizations.slug })
    .from(organizations)
    .where(sql`${domain} = any (select lower(d) from unnest(${organizations.verifiedDomains}) as d)`)
    .limit(1)
    // Prepared: one round trip instead of two (a describe first) on every SSO start.
    .prepare('organization_for_email')
    .execute();
  return org ?? null;
}
