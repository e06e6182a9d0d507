import type { Metadata } from 'next';
import { ComingSoon, PageHeader } from '@/components/ui/page';
import { requireAdmin } from '@/lib/auth/viewer';

export const metadata: Metadata = { title: 'Provisioning Log' };

export default async function ProvisioningLogPage() {
  await requireAdmin();
  return (
    <>
      <PageHeader title="Provisioning Log" description="Every login decision and every provisioning change, with its reason." />
      <ComingSoon title="What you will find here" points={['Logins allowed and denied, with reason codes', 'People created, updated, deactivated and archived, with per-field changes', 'Lookup by the reference shown on the end-user denial page']} />
    </>
  );
}
