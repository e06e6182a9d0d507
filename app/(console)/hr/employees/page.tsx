import type { Metadata } from 'next';
import { PeopleTable } from '@/components/people-table';
import { PageHeader } from '@/components/ui/page';
import { requireViewer } from '@/lib/auth/viewer';
import { getDb } from '@/lib/db/client';
import { listPeople } from '@/lib/people/queries';

export const metadata: Metadata = { title: 'Employees' };

export default async function EmployeesPage() {
  const viewer = await requireViewer();
  const rows = await listPeople(getDb(), viewer.organizationId, 'employee');
  return (
    <>
      <PageHeader trail={['HR']} title="Employees" description={`People who work for ${viewer.organizationName}.`} />
      <PeopleTable rows={rows} kind="employee" />
    </>
  );
}
