import { z } from 'zod';
import { invalidInput } from '@/lib/validation';
import { getViewer, type Viewer } from './viewer';

export type ActionResult<T = undefined> = { ok: true; data?: T } | { ok: false; error: string; fieldErrors?: Record<string, string> };

/**
 * The one gate every admin server action goes through: parse the input with its
 * schema, resolve the signed-in admin and their organization, then run. Not signed in
 * or not an admin → a refusal, never the action.
 */
export function adminAction<S extends z.ZodType, T = undefined>(schema: S, run: (input: z.infer<S>, viewer: Viewer) => Promise<ActionResult<T>>) {
  return async (raw: unknown): Promise<ActionResult<T>> => {
    const viewer = await getViewer();
    if (!viewer) return { ok: false, error: 'Your session has ended. Sign in again.' };
    if (!viewer.isAdmin) return { ok: false, error: 'You don’t have permission to change these settings.' };
    if (viewer.mustEnrollTwoFactor) return { ok: false, error: 'Your organization requires two-factor authentication for administrators: turn it on first.' };
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return invalidInput(parsed.error);
    return run(parsed.data, viewer);
  };
}

/**
 * Actions on the signed-in person's own account (two-factor setup): signed in is enough,
 * and the person acted on is always the viewer, never an id from the input.
 */
export function viewerAction<S extends z.ZodType, T = undefined>(schema: S, run: (input: z.infer<S>, viewer: Viewer) => Promise<ActionResult<T>>) {
  return async (raw: unknown): Promise<ActionResult<T>> => {
    const viewer = await getViewer();
    if (!viewer) return { ok: false, error: 'Your session has ended. Sign in again.' };
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return invalidInput(parsed.error);
    return run(parsed.data, viewer);
  };
}
