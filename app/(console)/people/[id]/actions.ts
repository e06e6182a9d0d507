'use server';

import { revalidatePath } from 'next/cache';
import { adminAction } from '@/lib/auth/action';
import { getDb } from '@/lib/db/client';
import { personAdminSchema, updatePersonAdmin } from '@/lib/people/person';

export const updatePersonAction = adminAction(personAdminSchema, async (input, viewer) => {
  const res = await updatePersonAdmin(getDb(), viewer.organizationId, viewer.personId, input);
  if (res.ok) revalidatePath(`/people/${input.personId}`);
  return res.ok ? { ok: true } : { ok: false, error: res.error };
});
