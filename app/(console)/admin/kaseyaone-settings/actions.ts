'use server';

import { revalidatePath } from 'next/cache';
import { adminAction } from '@/lib/auth/action';
import { getDb } from '@/lib/db/client';
import { saveKaseyaOneSettings } from '@/lib/settings/kaseyaone';
import { kaseyaOneSettingsSchema } from '@/lib/settings/schemas';

export const saveKaseyaOneSettingsAction = adminAction(kaseyaOneSettingsSchema, async (input, viewer) => {
  const res = await saveKaseyaOneSettings(getDb(), viewer.organizationId, viewer.personId, input);
  if (!res.ok) return res;
  revalidatePath('/admin/kaseyaone-settings');
  return { ok: true };
});
