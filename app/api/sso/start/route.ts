import { z } from 'zod';
import { signIn } from '@/lib/auth';
import { getDb } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { formOrQuery, redirect } from '@/lib/sso/http';
import { getJackson, SSO_PRODUCTS } from '@/lib/sso/jackson';
import { organizationForEmail } from '@/lib/sso/organizations';
import { organizations } from '@/lib/db/schema';
import { eq } from 'drizzle-orm';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const startSchema = z.object({
  kind: z.enum(['sso', 'kaseyaone']),
  email: z.string().trim().pipe(z.email()).optional().or(z.literal('').transform(() => undefined)),
  org: z.string().trim().regex(/^[a-z0-9-]+$/).optional().or(z.literal('').transform(() => undefined)),
});

/**
 * "Sign in with SSO" / "Log in with KaseyaOne": find the organization (by the email's
 * verified domain, or ?org=slug), check it has that kind of connection, then let
 * next-auth start the OAuth round trip through our hosted Jackson. A full-page form
 * POST, not a server action, so the browser really follows the redirect to the IdP.
 */
export async function POST(req: Request) {
  // Any body shape (JSON, broken multipart, none) is read without throwing; what is missing is refused below.
  const parsed = startSchema.safeParse(await formOrQuery(req, { query: false }));
  const back = (error: string) => redirect(`${getEnv().appUrl}/login?sso_error=${error}`, 303);
  if (!parsed.success || (!parsed.data.email && !parsed.data.org)) return back('email');
  const db = getDb();
  const org = parsed.data.org
    ? ((await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, parsed.data.org)))[0] ?? null)
    : await organizationForEmail(db, parsed.data.email!);
  if (!org) return back('no_connection');
  const product = SSO_PRODUCTS[parsed.data.kind];
  const { connectionAPIController } = await getJackson();
  const connections = await connectionAPIController.getConnections({ tenant: org.id, product });
  if (connections.length === 0) return back('no_connection');
  const url = await signIn('boxyhq-saml', { redirect: false, redirectTo: '/' }, { tenant: org.id, product, ...(parsed.data.email ? { login_hint: parsed.data.email } : {}) });
  return redirect(url, 303);
}
