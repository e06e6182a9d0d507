import { PeopleTable } from '@/components/people-table';
import { PageHeader } from '@/components/ui/page';
import { requireViewer } from '@/lib/auth/viewer';
import { getDb } from '@/lib/db/client';
import { flatParams } from '@/lib/pagination';
import { listPeople, peopleQuerySchema } from '@/lib/people/queries';

const PAGES = {
  employee: { trail: 'HR', title: 'Employees', path: '/hr/employees' },
  contact: { trail: 'CRM', title: 'Contacts', path: '/crm/contacts' },
} as const;

/** HR › Employees and CRM › Contacts: the same page over one people table. */
export async function PeoplePage({ kind, searchParams }: { kind: 'employee' | 'contact'; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer();
  const params = flatParams(await searchParams);
  const query = peopleQuerySchema.parse(params);
  const page = await listPeople(getDb(), viewer.organizationId, kind, query);
  const { trail, title, path } = PAGES[kind];
  const description = kind === 'employee' ? `People who work for ${viewer.organizationName}.` : 'Client-portal contacts, each under a client Account.';
  return (
    <>
      <PageHeader trail={[trail]} title={title} description={description} />
      <PeopleTable page={page} query={query} params={params} kind={kind} basePath={path} />
    </>
  );
}
