import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Card, PageHeader } from '@/components/ui/page';
import { requireAdmin } from '@/lib/auth/viewer';
import { listConnections } from '@/lib/sso/connections';

export const metadata: Metadata = { title: 'SSO connection' };

/** One connection of the admin's own organization; any other id (another organization's included) is a 404. */
export default async function ConnectionPage({ params }: { params: Promise<{ clientId: string }> }) {
  const viewer = await requireAdmin();
  const { clientId } = await params;
  const connection = (await listConnections(viewer.organizationId)).find((c) => c.clientId === clientId);
  if (!connection) notFound();
  const rows: [string, string][] = [
    ['Used for', connection.kind === 'kaseyaone' ? 'Log in with KaseyaOne' : 'Sign in with SSO'],
    ['Protocol', connection.protocol.toUpperCase()],
    ['Identity provider', connection.idp],
    ['Provider', connection.provider],
  ];
  return (
    <>
      <PageHeader trail={['Admin', 'My Company', 'Auth & Provision']} title="SSO connection" />
      <Card className="p-6">
        <dl className="grid gap-4 sm:grid-cols-2">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt className="text-xs font-medium uppercase tracking-wide text-ink-muted">{k}</dt>
              <dd className="mt-1 break-all text-sm text-ink">{v}</dd>
            </div>
          ))}
        </dl>
        <Link href="/admin/auth-provision" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:text-brand-700">
          Back to Auth &amp; Provision
        </Link>
      </Card>
    </>
  );
}
