import { getJackson } from '@/lib/sso/jackson';
import { oauthError } from '@/lib/sso/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  const auth = req.headers.get('authorization') ?? '';
  const token = auth.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : new URL(req.url).searchParams.get('access_token');
  if (!token) return Response.json({ error: 'invalid_token' }, { status: 401 });
  try {
    const { oauthController } = await getJackson();
    return Response.json(await oauthController.userInfo(token), { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return oauthError(err);
  }
}
