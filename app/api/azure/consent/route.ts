import { NextResponse, type NextRequest } from 'next/server';
import { getViewer, TWO_FACTOR_PATH } from '@/lib/auth/viewer';
import { completeConsent } from '@/lib/azure/connections';
import { getDb } from '@/lib/db/client';
import { getEnv } from '@/lib/env';

// Microsoft's admin-consent page sends the admin back here. The state must be one we
// issued to a connection of the signed-in admin's organization; then the connection is
// verified and the admin lands on the Connections tab with the outcome in words.
export async function GET(req: NextRequest) {
  const back = new URL('/admin/azure-ad', getEnv().appUrl);
  const viewer = await getViewer();
  if (!viewer) return NextResponse.redirect(new URL('/login', getEnv().appUrl));
  if (!viewer.isAdmin) return new NextResponse('Forbidden', { status: 403 });
  if (viewer.mustEnrollTwoFactor) return NextResponse.redirect(new URL(TWO_FACTOR_PATH, getEnv().appUrl), { status: 303 });
  const result = await completeConsent(getDb(), viewer.organizationId, req.nextUrl.searchParams);
  back.searchParams.set('connect', result.ok ? 'ok' : 'failed');
  if (!result.ok) back.searchParams.set('reason', result.error.slice(0, 300));
  return NextResponse.redirect(back, { status: 303 });
}
