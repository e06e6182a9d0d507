import type { Db } from '@/lib/db/client';
import { provisioningEvents } from '@/lib/db/schema';

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
