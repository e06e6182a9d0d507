import { z } from 'zod';
import { signIn } from '@/lib/auth';
import { getDb } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { formOrQuery, redirect } from '@/lib/sso/http';
import { getJackson, PLATFORM_TENANT, SSO_PRODUCTS } from '@/lib/sso/jackson';
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
 * next-auth start the OAuth round trip through our hosted Jackson. KaseyaOne needs no
 * organization: without one of its own, the platform KaseyaOne IdP is used and the
 * login is routed by the partner org id it sends back. A full-page form POST, not a
 * server action, so the browser really follows the redirect to the IdP.
 */
export async function POST(req: Request) {
  // Any body shape (JSON, broken multipart, none) is read without throwing; what is missing is refused below.
  const parsed = startSchema.safeParse(await formOrQuery(req, { query: false }));
  const back = (error: string) => redirect(`${getEnv().appUrl}/login?sso_error=${error}`, 303);
  if (!parsed.success) return back('email');
  const { kind, email } = parsed.data;
  if (kind === 'sso' && !email && !parsed.data.org) return back('email');
  const db = getDb();
  const org = parsed.data.org
    ? ((await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, parsed.data.org)))[0] ?? null)
    : email
      ? await organizationForEmail(db, email)
      : null;
  const product = SSO_PRODUCTS[kind];
  const { connectionAPIController } = await getJackson();
  const hasConnection = async (tenant: string) => (await connectionAPIController.getConnections({ tenant, product })).length > 0;
  // An organization's own connection wins; KaseyaOne otherwise goes through the platform IdP.
  let tenant: string | null = org && (await hasConnection(org.id)) ? org.id : null;
  if (!tenant && kind === 'kaseyaone' && (await hasConnection(PLATFORM_TENANT))) tenant = PLATFORM_TENANT;
  if (!tenant) return back('no_connection');
  const url = await signIn('boxyhq-saml', { redirect: false, redirectTo: '/' }, { tenant, product, ...(email ? { login_hint: email } : {}) });
  return redirect(url, 303);
}
