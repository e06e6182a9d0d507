'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { adminAction, type ActionResult } from '@/lib/auth/action';
import { getDb } from '@/lib/db/client';
import { saveKaseyaOneSettings } from '@/lib/settings/kaseyaone';
import { addKaseyaOneOrg, mapKaseyaOneOrg, removeKaseyaOneOrg, type KaseyaOneOrgResult } from '@/lib/settings/kaseyaone-organizations';
import { kaseyaOneOrganizationMappingSchema, kaseyaOneOrganizationSchema, kaseyaOneSettingsSchema } from '@/lib/settings/schemas';

const PAGE = '/admin/kaseyaone-settings';

export const saveKaseyaOneSettingsAction = adminAction(kaseyaOneSettingsSchema, async (input, viewer) => {
  const res = await saveKaseyaOneSettings(getDb(), viewer.organizationId, viewer.personId, input);
  if (!res.ok) return res;
  revalidatePath(PAGE);
  return { ok: true };
});

function done(res: KaseyaOneOrgResult): ActionResult {
  if (!res.ok) return { ok: false, error: res.error, fieldErrors: res.fieldErrors };
  revalidatePath(PAGE);
  return { ok: true };
}

export const addKaseyaOneOrgAction = adminAction(kaseyaOneOrganizationSchema, async (input, viewer) =>
  done(await addKaseyaOneOrg(getDb(), viewer.organizationId, viewer.personId, input)),
);

export const mapKaseyaOneOrgAction = adminAction(kaseyaOneOrganizationMappingSchema, async (input, viewer) =>
  done(await mapKaseyaOneOrg(getDb(), viewer.organizationId, viewer.personId, input)),
);

export const removeKaseyaOneOrgAction = adminAction(z.object({ id: z.uuid() }), async ({ id }, viewer) =>
  done(await removeKaseyaOneOrg(getDb(), viewer.organizationId, viewer.personId, id)),
);
