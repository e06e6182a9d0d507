'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { adminAction, type ActionResult } from '@/lib/auth/action';
import { recordSettingsChange } from '@/lib/audit/settings';
import { getDb } from '@/lib/db/client';
import { createOidcConnection, createSamlConnection, deleteConnection, oidcConnectionSchema, samlConnectionSchema, type ConnectionResult } from '@/lib/sso/connections';

const PAGE = '/admin/auth-provision';

async function afterCreate(result: ConnectionResult, viewer: { organizationId: string; personId: string }): Promise<ActionResult> {
  if (!result.ok) return { ok: false, error: result.error, fieldErrors: result.fieldErrors };
  const { kind, protocol, idp } = result.connection;
  await recordSettingsChange(getDb(), { organizationId: viewer.organizationId, actorPersonId: viewer.personId, what: `sso_connection.${kind}`, after: { protocol, idp } });
  revalidatePath(PAGE);
  return { ok: true };
}

export const addSamlConnection = adminAction(samlConnectionSchema, async (input, viewer) => afterCreate(await createSamlConnection(viewer.organizationId, input), viewer));

export const addOidcConnection = adminAction(oidcConnectionSchema, async (input, viewer) => afterCreate(await createOidcConnection(viewer.organizationId, input), viewer));

export const removeSsoConnection = adminAction(z.object({ kind: z.enum(['sso', 'kaseyaone']) }), async ({ kind }, viewer) => {
  if (!(await deleteConnection(viewer.organizationId, kind))) return { ok: false, error: 'That connection no longer exists.' };
  await recordSettingsChange(getDb(), { organizationId: viewer.organizationId, actorPersonId: viewer.personId, what: `sso_connection.${kind}`, before: 'connected', after: null });
  revalidatePath(PAGE);
  return { ok: true };
});
