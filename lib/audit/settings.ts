import { eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { provisioningEvents, provisioningSettings } from '@/lib/db/schema';

/** Every settings change leaves an event: who, what, before → after. */
export async function recordSettingsChange(
  db: Db,
  change: { organizationId: string; actorPersonId: string; what: string; before?: unknown; after?: unknown },
): Promise<string> {
  const [row] = await db
    .insert(provisioningEvents)
    .values({
      organizationId: change.organizationId,
      type: 'settings_changed',
      source: 'admin',
      actorPersonId: change.actorPersonId,
      diff: { [change.what]: { before: change.before ?? null, after: change.after ?? null } },
      detail: { what: change.what },
    })
    .returning({ id: provisioningEvents.id });
  return row!.id;
}

type Settings = typeof provisioningSettings.$inferSelect;

/**
 * One provisioning setting of an organization: saved (creating the settings row if
 * there is none) and audited as before → after, or left alone when it does not change.
 * True when it changed.
 */
export async function saveProvisioningSetting<K extends 'method' | 'defaultPhoneType' | 'requireAdminTwoFactor'>(
  db: Db,
  change: { organizationId: string; actorPersonId: string; key: K; value: Settings[K]; unset: Settings[K]; what: string },
): Promise<boolean> {
  const { organizationId, key, value } = change;
  return db.transaction(async (tx) => {
    const [current] = await tx.select({ value: provisioningSettings[key] }).from(provisioningSettings).where(eq(provisioningSettings.organizationId, organizationId));
    const before = (current?.value ?? change.unset) as Settings[K];
    if (before === value) return false;
    await tx
      .insert(provisioningSettings)
      .values({ organizationId, [key]: value })
      .onConflictDoUpdate({ target: provisioningSettings.organizationId, set: { [key]: value, updatedAt: new Date() } });
    await tx.insert(provisioningEvents).values({
      organizationId,
      type: 'settings_changed',
      source: 'admin',
      actorPersonId: change.actorPersonId,
      diff: { [key]: { before, after: value } },
      detail: { what: change.what },
    });
    return true;
  });
}
