import { eq } from 'drizzle-orm';
import { saveProvisioningSetting } from '@/lib/audit/settings';
import type { Db } from '@/lib/db/client';
import { provisioningSettings } from '@/lib/db/schema';

/** "Require two-factor for administrators" (off unless an admin turns it on). */
export async function getRequireAdminTwoFactor(db: Db, organizationId: string): Promise<boolean> {
  const [row] = await db.select({ value: provisioningSettings.requireAdminTwoFactor }).from(provisioningSettings).where(eq(provisioningSettings.organizationId, organizationId));
  return row?.value ?? false;
}

/** Saved and audited as before → after; true when it changed. */
export function saveRequireAdminTwoFactor(db: Db, organizationId: string, actorPersonId: string, value: boolean): Promise<boolean> {
  return saveProvisioningSetting(db, { organizationId, actorPersonId, key: 'requireAdminTwoFactor', value, unset: false, what: 'require_admin_two_factor' });
}
