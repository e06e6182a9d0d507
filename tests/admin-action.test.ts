import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Viewer } from '@/lib/auth/viewer';

// The one gate every admin server action goes through, with the signed-in viewer stubbed
// (next-auth needs a request); the actions themselves are thin wrappers around it.
const viewer = vi.hoisted(() => ({ current: null as Viewer | null }));
vi.mock('@/lib/auth/viewer', () => ({ getViewer: async () => viewer.current }));

const { adminAction } = await import('@/lib/auth/action');

const base: Viewer = { personId: 'p1', organizationId: 'o1', organizationName: 'Acme MSP', email: 'a@acme.example', name: 'A', isAdmin: true, isRoot: false, twoFactorEnabled: false, mustEnrollTwoFactor: false };

describe('adminAction', () => {
  const run = vi.fn(async (input: { name: string }, v: Viewer) => ({ ok: true as const, data: `${v.organizationId}:${input.name}` }));
  const action = adminAction(z.object({ name: z.string().trim().min(1, 'Enter a name.') }), run);
  beforeEach(() => {
    run.mockClear();
  });

  it('runs for an admin, with the parsed input and their organization', async () => {
    viewer.current = base;
    expect(await action({ name: ' x ' })).toEqual({ ok: true, data: 'o1:x' });
    expect(run).toHaveBeenCalledOnce();
  });

  it('refuses a technician (no admin grant) and a signed-out caller without running', async () => {
    viewer.current = { ...base, isAdmin: false };
    expect(await action({ name: 'x' })).toEqual({ ok: false, error: 'You don’t have permission to change these settings.' });
    viewer.current = null;
    expect(await action({ name: 'x' })).toEqual({ ok: false, error: 'Your session has ended. Sign in again.' });
    expect(run).not.toHaveBeenCalled();
  });

  it('refuses an admin whose organization requires two-factor until they turn it on', async () => {
    viewer.current = { ...base, mustEnrollTwoFactor: true };
    expect(await action({ name: 'x' })).toEqual({ ok: false, error: 'Your organization requires two-factor authentication for administrators: turn it on first.' });
    expect(run).not.toHaveBeenCalled();
  });

  it('answers bad input with field errors without running', async () => {
    viewer.current = base;
    expect(await action({ name: ' ' })).toEqual({ ok: false, error: 'Check the highlighted fields.', fieldErrors: { name: 'Enter a name.' } });
    expect(await action('not an object')).toMatchObject({ ok: false, fieldErrors: { form: expect.any(String) } });
    expect(run).not.toHaveBeenCalled();
  });
});

describe('the admin console actions all go through it', () => {
  it('a technician is refused by every settings and person action, whatever the input', async () => {
    const k1 = await import('@/app/(console)/admin/kaseyaone-settings/actions');
    const person = await import('@/app/(console)/people/[id]/actions');
    const ap = await import('@/app/(console)/admin/auth-provision/actions');
    viewer.current = { ...base, isAdmin: false };
    const actions = { ...k1, ...person, ...ap } as Record<string, (input: unknown) => Promise<unknown>>;
    expect(Object.keys(actions).length).toBeGreaterThanOrEqual(15);
    for (const [name, action] of Object.entries(actions)) {
      expect(await action({}), name).toEqual({ ok: false, error: 'You don’t have permission to change these settings.' });
    }
  });
});
