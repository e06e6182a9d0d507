'use server';

import { headers } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { viewerAction } from '@/lib/auth/action';
import { codeFieldSchema, disableTwoFactorSchema } from '@/lib/auth/schemas';
import { confirmEnrollment, disableTwoFactor, regenerateRecoveryCodes, startEnrollment, type Enrollment } from '@/lib/auth/two-factor';
import { getDb } from '@/lib/db/client';
import { clientIp } from '@/lib/net/client-ip';

const PAGE = '/account/two-factor';

export const startTwoFactorAction = viewerAction(z.object({}), async (_input, viewer) => {
  const res = await startEnrollment(getDb(), viewer.organizationId, viewer.personId, viewer.email);
  if (!res.ok) return res;
  return { ok: true, data: res.data as Enrollment };
});

export const confirmTwoFactorAction = viewerAction(codeFieldSchema, async ({ code }, viewer) => {
  const res = await confirmEnrollment(getDb(), viewer.organizationId, viewer.personId, code);
  if (!res.ok) return res;
  return { ok: true, data: res.data.recoveryCodes };
});

export const disableTwoFactorAction = viewerAction(disableTwoFactorSchema, async (input, viewer) => {
  const res = await disableTwoFactor(getDb(), viewer.organizationId, viewer.personId, input, clientIp(await headers()));
  if (!res.ok) return res;
  revalidatePath(PAGE);
  return { ok: true };
});

export const regenerateRecoveryCodesAction = viewerAction(disableTwoFactorSchema, async (input, viewer) => {
  const res = await regenerateRecoveryCodes(getDb(), viewer.organizationId, viewer.personId, input, clientIp(await headers()));
  if (!res.ok) return res;
  return { ok: true, data: res.data.recoveryCodes };
});
