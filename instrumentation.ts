// Runs once when the server starts: warms SAML Jackson, so the first SSO request does not
// pay for its start-up (measured cold 0.78 s vs warm 43 ms, see ../shared/STACK.md), and
// starts the Azure AD sync worker and scheduler (pg-boss) unless SYNC_WORKER=off.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getJackson } = await import('@/lib/sso/jackson');
  getJackson().catch((err: unknown) => console.error('[sso] SAML Jackson failed to start:', err instanceof Error ? err.message : err));

  const { getEnv, requireDatabaseUrl } = await import('@/lib/env');
  const env = getEnv();
  if (env.SYNC_WORKER !== 'on') return;
  const [{ startSyncWorker }, { getDb }] = await Promise.all([import('@/lib/azure/worker'), import('@/lib/db/client')]);
  startSyncWorker(getDb(), { databaseUrl: requireDatabaseUrl(env) }).catch((err: unknown) =>
    console.error('[azure-sync] the sync worker failed to start:', err instanceof Error ? err.message : err),
  );
}
