import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { hashPassword } from '@/lib/auth/password';
import { confirmEnrollment, startEnrollment } from '@/lib/auth/two-factor';
import type { Db } from '@/lib/db/client';
import * as s from '@/lib/db/schema';

/** The code an authenticator app shows at `at` for this key (otplib, as the app uses). */
export const codeAt = (secret: string, at: Date) => generate({ secret, epoch: Math.floor(at.getTime() / 1000) });

/** A fresh local account in the organization with this slug; admin when `role` names an admin role. */
export async function localPerson(db: Db, slug: string, opts: { role?: string; password?: string } = {}) {
  const [org] = await db.select().from(s.organizations).where(eq(s.organizations.slug, slug));
  const roles = await db.select().from(s.securityRoles).where(eq(s.securityRoles.organizationId, org!.id));
  const role = opts.role ? roles.find((r) => r.name === opts.role) : undefined;
  const password = opts.password ?? 'correct horse battery';
  const email = `tf.${randomBytes(5).toString('hex')}@${slug}.example`;
  const [p] = await db
    .insert(s.people)
    .values({ organizationId: org!.id, type: 'employee', email, firstName: 'Two', lastName: 'Factor', passwordHash: await hashPassword(password), securityRoleId: role?.id ?? null })
    .returning();
  return { id: p!.id, organizationId: org!.id, email, password };
}

/** Turns two-factor on through the same steps a person takes; returns the key and recovery codes. */
export async function enrollTwoFactor(db: Db, organizationId: string, personId: string, at = new Date()) {
  const started = await startEnrollment(db, organizationId, personId, 'someone@example.test');
  if (!started.ok) throw new Error(started.error);
  const confirmed = await confirmEnrollment(db, organizationId, personId, await codeAt(started.data.secret, at), at);
  if (!confirmed.ok) throw new Error(confirmed.error);
  return { secret: started.data.secret, recoveryCodes: confirmed.data.recoveryCodes };
}
