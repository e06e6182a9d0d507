'use server';

import { revalidatePath } from 'next/cache';
import { adminAction, type ActionResult } from '@/lib/auth/action';
import { getDb } from '@/lib/db/client';
import { editPerson, personAdminSchema, personRemovalSchema, personRestoreSchema, removePerson, restorePerson, updatePersonAdmin } from '@/lib/people/person';
import { personEditSchema } from '@/lib/people/schemas';

export const updatePersonAction = adminAction(personAdminSchema, async (input, viewer) => {
  const res = await updatePersonAdmin(getDb(), viewer.organizationId, viewer.personId, input);
  if (res.ok) revalidatePath(`/people/${input.personId}`);
  return res.ok ? { ok: true } : { ok: false, error: res.error };
});

export const editPersonAction = adminAction(personEditSchema, async (input, viewer): Promise<ActionResult<{ changed: string[] }>> => {
  const res = await editPerson(getDb(), viewer.organizationId, viewer.personId, input);
  if (!res.ok) return { ok: false, error: res.error, fieldErrors: res.fieldErrors };
  if (res.changed.length) revalidatePath(`/people/${input.personId}`);
  return { ok: true, data: { changed: res.changed } };
});

export const removePersonAction = adminAction(personRemovalSchema, async (input, viewer) => {
  const res = await removePerson(getDb(), viewer.organizationId, viewer.personId, input);
  if (!res.ok) return { ok: false, error: res.error, fieldErrors: res.fieldErrors };
  revalidatePath(`/people/${input.personId}`);
  return { ok: true };
});

export const restorePersonAction = adminAction(personRestoreSchema, async (input, viewer) => {
  const res = await restorePerson(getDb(), viewer.organizationId, viewer.personId, input);
  if (!res.ok) return { ok: false, error: res.error };
  revalidatePath(`/people/${input.personId}`);
  return { ok: true };
});
