'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { adminAction, type ActionResult } from '@/lib/auth/action';
import { decidePausedRun, deleteConnection, saveConnection, startConsent, verifyConnection } from '@/lib/azure/connections';
import { azureConnectionSchema, azureRuleSchema, connectionIdSchema, runDecisionSchema } from '@/lib/azure/schemas';
import { enqueueSync } from '@/lib/azure/worker';
import { recordSettingsChange } from '@/lib/audit/settings';
import { getDb } from '@/lib/db/client';
import { deleteRule, saveRule } from '@/lib/settings/mapping-rules';
import { phoneTypeSchema, saveDefaultPhoneType } from '@/lib/azure/field-settings';

const PAGE = '/admin/azure-ad';

/** Service results carry `notFound` and ids; the browser gets the words only. */
function reply(res: { ok: boolean; error?: string; fieldErrors?: Record<string, string> }, message?: string): ActionResult<{ message?: string }> {
  if (!res.ok) return { ok: false, error: res.error ?? 'That did not work.', fieldErrors: res.fieldErrors };
  revalidatePath(PAGE);
  return { ok: true, data: { message } };
}

export const saveConnectionAction = adminAction(azureConnectionSchema, async (input, viewer) =>
  reply(await saveConnection(getDb(), viewer.organizationId, viewer.personId, input), input.id ? 'Connection saved.' : 'Connection added. Click Connect to grant access in Microsoft Entra ID.'),
);

export const deleteConnectionAction = adminAction(connectionIdSchema, async ({ id }, viewer) =>
  reply(await deleteConnection(getDb(), viewer.organizationId, viewer.personId, id), 'Connection deleted. People it created stay.'),
);

/** Connect: the Microsoft admin-consent URL to send the browser to. */
export const connectAction = adminAction(connectionIdSchema, async ({ id }, viewer): Promise<ActionResult<{ url: string }>> => {
  const res = await startConsent(getDb(), viewer.organizationId, id);
  if (!res.ok) return { ok: false, error: res.error };
  await recordSettingsChange(getDb(), { organizationId: viewer.organizationId, actorPersonId: viewer.personId, what: 'azure_connection.connect_started', after: { connectionId: id } });
  return { ok: true, data: { url: res.url } };
});

export const verifyAction = adminAction(connectionIdSchema, async ({ id }, viewer) =>
  reply(await verifyConnection(getDb(), viewer.organizationId, id), 'Connected: the token and a Graph read both worked.'),
);

export const syncNowAction = adminAction(connectionIdSchema, async ({ id }, viewer) => {
  try {
    if (!(await enqueueSync(getDb(), viewer.organizationId, id))) return { ok: false, error: 'That connection does not exist.' };
  } catch (err) {
    console.error('[azure-sync] enqueue failed', err);
    return { ok: false, error: 'The sync worker is not running on this server; the next scheduled sync will run it.' };
  }
  revalidatePath(PAGE);
  return { ok: true, data: { message: 'Sync queued. Progress shows under Sync runs.' } };
});

export const decideRunAction = adminAction(runDecisionSchema, async ({ runId, decision }, viewer) =>
  reply(
    await decidePausedRun(getDb(), viewer.organizationId, viewer.personId, runId, decision),
    decision === 'confirm' ? 'Deactivations applied; the sync continues on schedule.' : 'Nobody was deactivated; the sync continues on schedule.',
  ),
);

export const saveAzureRuleAction = adminAction(azureRuleSchema, async (input, viewer) => reply(await saveRule(getDb(), viewer.organizationId, viewer.personId, input, 'azure'), 'Mapping rule saved. Synced users are being re-evaluated; see Sync runs.'));

export const deleteAzureRuleAction = adminAction(z.object({ id: z.uuid() }), async ({ id }, viewer) =>
  reply(await deleteRule(getDb(), viewer.organizationId, viewer.personId, id, 'azure'), 'Mapping rule deleted. Synced users are being re-evaluated; see Sync runs.'),
);

export const savePhoneTypeAction = adminAction(phoneTypeSchema, async ({ defaultPhoneType }, viewer) =>
  reply(await saveDefaultPhoneType(getDb(), viewer.organizationId, viewer.personId, defaultPhoneType), 'Field mapping saved. Synced contacts are being re-evaluated; see Sync runs.'),
);
