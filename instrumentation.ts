// Warms SAML Jackson when the server starts, so the first SSO request does not pay for
// its start-up (measured cold 0.78 s vs warm 43 ms, see ../shared/STACK.md).
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getJackson } = await import('@/lib/sso/jackson');
  getJackson().catch((err: unknown) => console.error('[sso] SAML Jackson failed to start:', err instanceof Error ? err.message : err));
}
