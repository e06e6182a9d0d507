import type { Metadata } from 'next';
import { ComingSoon, PageHeader } from '@/components/ui/page';
import { requireAdmin } from '@/lib/auth/viewer';

export const metadata: Metadata = { title: 'KaseyaOne Settings' };

export default async function KaseyaOneSettingsPage() {
  await requireAdmin();
  return (
    <>
      <PageHeader trail={['Admin', 'My Company']} title="KaseyaOne Settings" description="Log In With KaseyaOne and Automatic User Creation for your organization." />
      <div className="grid gap-4 md:grid-cols-2">
        <ComingSoon title="Automatic User Creation" points={['Enable Log In With KaseyaOne', 'Create users on their first KaseyaOne login', 'Employee Defaults: department, location, manager, job title, employment type, security role, employee role']} />
        <ComingSoon title="Organizations" points={['KaseyaOne organizations mapped to your client Accounts', 'Search, map and unmap']} />
      </div>
    </>
  );
}
