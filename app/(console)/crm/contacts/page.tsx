import type { Metadata } from 'next';
import { PeopleTable } from '@/components/people-table';
import { PageHeader } from '@/components/ui/page';
import { requireViewer } from '@/lib/auth/viewer';
import { getDb } from '@/lib/db/client';
import { listPeople } from '@/lib/people/queries';

export const metadata: Metadata = { title: 'Contacts' };

export default async function ContactsPage() {
  const viewer = await requireViewer();
  const rows = await listPeople(getDb(), viewer.organizationId, 'contact');
  return (
    <>
      <PageHeader trail={['CRM']} title="Contacts" description="Client-portal contacts, each under a client Account." />
      <PeopleTable rows={rows} kind="contact" />
    </>
  );
}
