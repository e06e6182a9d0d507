import type { Metadata } from 'next';
import { PeoplePage } from '@/components/people-page';

export const metadata: Metadata = { title: 'Employees' };

export default function EmployeesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <PeoplePage kind="employee" searchParams={searchParams} />;
}
