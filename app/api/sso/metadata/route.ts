import { getJackson } from '@/lib/sso/jackson';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The SP metadata customers load into their IdP (entity id, ACS URL, signing certificate). */
export async function GET() {
  const { spConfig } = await getJackson();
  const xml = await spConfig.toXMLMetadata();
  return new Response(xml, { headers: { 'content-type': 'application/xml; charset=utf-8' } });
}
