import { Suspense } from 'react';
import { PeopleFilters, PeopleTable } from '@/components/people-table';
import { Card, PageHeader } from '@/components/ui/page';
import { TableSkeleton } from '@/components/ui/skeleton';
import { requireViewer } from '@/lib/auth/viewer';
import { getDb } from '@/lib/db/client';
import { flatParams } from '@/lib/pagination';
import { listPeople, peopleQuerySchema, type PeopleQuery } from '@/lib/people/queries';

const PAGES = {
  employee: { trail: 'HR', title: 'Employees', path: '/hr/employees' },
  contact: { trail: 'CRM', title: 'Contacts', path: '/crm/contacts' },
} as const;

/**
 * HR › Employees and CRM › Contacts: the same page over one people table. The viewer
 * check runs before the Suspense boundary, so a refusal keeps its real status; only the
 * rows stream in behind a skeleton.
 */
export async function PeoplePage({ kind, searchParams }: { kind: 'employee' | 'contact'; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer();
  const params = flatParams(await searchParams);
  const query = peopleQuerySchema.parse(params);
  const { trail, title } = PAGES[kind];
  const description = kind === 'employee' ? `People who work for ${viewer.organizationName}.` : 'Client-portal contacts, each under a client Account.';
  return (
    <>
      <PageHeader trail={[trail]} title={title} description={description} />
      <PeopleFilters query={query} />
      <Suspense
        key={JSON.stringify(query)}
        fallback={
          <Card className="overflow-hidden">
            <TableSkeleton label={`Loading ${title.toLowerCase()}`} columns={kind === 'employee' ? 7 : 6} />
          </Card>
        }
      >
        <PeopleResults organizationId={viewer.organizationId} kind={kind} query={query} params={params} />
      </Suspense>
    </>
  );
}

async function PeopleResults({ organizationId, kind, query, params }: { organizationId: string; kind: 'employee' | 'contact'; query: PeopleQuery; params: Record<string, string | undefined> }) {
  const page = await listPeople(getDb(), organizationId, kind, query);
  return <PeopleTable page={page} query={query} params={params} kind={kind} basePath={PAGES[kind].path} />;
}
