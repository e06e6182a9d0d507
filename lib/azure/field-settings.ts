import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/lib/db/client';
import { saveProvisioningSetting } from '@/lib/audit/settings';
import * as s from '@/lib/db/schema';
import { requestReevaluation } from './worker';

/** The phone type a synced contact's Contact Phone Number gets (seed 003). */
export const phoneTypeSchema = z.object({ defaultPhoneType: z.enum(s.phoneType.enumValues, { error: 'Choose a phone type.' }) });

export async function getDefaultPhoneType(db: Db, organizationId: string) {
  const [row] = await db.select({ t: s.provisioningSettings.defaultPhoneType }).from(s.provisioningSettings).where(eq(s.provisioningSettings.organizationId, organizationId));
  return row?.t ?? 'office';
}

export async function saveDefaultPhoneType(db: Db, organizationId: string, actorPersonId: string, type: (typeof s.phoneType.enumValues)[number]) {
  const changed = await saveProvisioningSetting(db, { organizationId, actorPersonId, key: 'defaultPhoneType', value: type, unset: 'office', what: 'azure.default_phone_type' });
  if (changed) await requestReevaluation(db, organizationId, `The contact phone type changed to ${type}.`);
  return { ok: true as const };
}
