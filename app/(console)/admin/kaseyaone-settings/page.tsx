import type { Metadata } from 'next';
import { KaseyaOneSettingsForm } from '@/components/kaseyaone-settings-form';
import { Card, ComingSoon, PageHeader } from '@/components/ui/page';
import { requireAdmin } from '@/lib/auth/viewer';
import { getDb } from '@/lib/db/client';
import { getKaseyaOneSettings } from '@/lib/settings/kaseyaone';
import { saveKaseyaOneSettingsAction } from './actions';

export const metadata: Metadata = { title: 'KaseyaOne Settings' };

export default async function KaseyaOneSettingsPage({ searchParams }: { searchParams: Promise<{ tab?: string }> }) {
  const viewer = await requireAdmin();
  const tab = (await searchParams).tab === 'organizations' ? 'organizations' : 'auto';
  const view = await getKaseyaOneSettings(getDb(), viewer.organizationId);
  return (
    <>
      <PageHeader trail={['Admin', 'My Company']} title="KaseyaOne Settings" description="Log In With KaseyaOne and Automatic User Creation for your organization." />
      <nav aria-label="KaseyaOne Settings tabs" className="mb-4 flex gap-1 border-b border-slate-200">
        {[
          ['auto', 'Automatic User Creation', '/admin/kaseyaone-settings'],
          ['organizations', 'Organizations', '/admin/kaseyaone-settings?tab=organizations'],
        ].map(([key, label, href]) => (
          <a
            key={key}
            href={href}
            aria-current={tab === key ? 'page' : undefined}
            className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${tab === key ? 'border-brand-600 text-brand-700' : 'border-transparent text-ink-muted hover:text-ink'}`}
          >
            {label}
          </a>
        ))}
      </nav>
      {tab === 'auto' ? (
        <Card className="p-6">
          <KaseyaOneSettingsForm key={JSON.stringify(view.values) + view.everEnabled} view={view} save={saveKaseyaOneSettingsAction} />
        </Card>
      ) : (
        <ComingSoon title="Organizations" points={['KaseyaOne organizations mapped to your client Accounts', 'Search, map and unmap']} />
      )}
    </>
  );
}
