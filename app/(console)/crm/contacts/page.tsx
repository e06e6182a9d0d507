import type { Metadata } from 'next';
import { PeoplePage } from '@/components/people-page';

export const metadata: Metadata = { title: 'Contacts' };

export default function ContactsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <PeoplePage kind="contact" searchParams={searchParams} />;
}
