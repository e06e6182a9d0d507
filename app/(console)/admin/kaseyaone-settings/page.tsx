import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { CopyField } from '@/components/copy-field';
import { KaseyaOneOrganizations } from '@/components/kaseyaone-organizations';
import { KaseyaOneSettingsForm } from '@/components/kaseyaone-settings-form';
import { Pager } from '@/components/pager';
import { Card, PageHeader } from '@/components/ui/page';
import { TableSkeleton } from '@/components/ui/skeleton';
import { requireAdmin } from '@/lib/auth/viewer';
import { getDb } from '@/lib/db/client';
import { flatParams } from '@/lib/pagination';
import { getKaseyaOneSettings } from '@/lib/settings/kaseyaone';
import { getPlatformKaseyaOneConnection, hasConnection, spDetails } from '@/lib/sso/connections';
import { clientAccountOptions, kaseyaOneOrgQuerySchema, listKaseyaOneOrgs, type KaseyaOneOrgQuery } from '@/lib/settings/kaseyaone-organizations';
import { addKaseyaOneOrgAction, mapKaseyaOneOrgAction, removeKaseyaOneOrgAction, saveKaseyaOneSettingsAction } from './actions';

export const metadata: Metadata = { title: 'KaseyaOne Settings' };

const PATH = '/admin/kaseyaone-settings';

export default async function KaseyaOneSettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireAdmin();
  const params = flatParams(await searchParams);
  const tab = params.tab === 'organizations' ? 'organizations' : 'auto';
  return (
    <>
      <PageHeader trail={['Admin', 'My Company']} title="KaseyaOne Settings" description="Log In With KaseyaOne, Automatic User Creation, and the KaseyaOne organizations you manage." />
      <nav aria-label="KaseyaOne Settings tabs" className="mb-6 flex gap-1 border-b border-slate-200">
        {[
          ['auto', 'Automatic User Creation', PATH],
          ['organizations', 'Organizations', `${PATH}?tab=organizations`],
        ].map(([key, label, href]) => (
          <Link
            key={key}
            href={href!}
            aria-current={tab === key ? 'page' : undefined}
            className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${tab === key ? 'border-brand-600 text-brand-700' : 'border-transparent text-ink-muted hover:text-ink'}`}
          >
            {label}
          </Link>
        ))}
      </nav>
      {tab === 'auto' ? <AutomaticUserCreation organizationId={viewer.organizationId} twoFactorEnabled={viewer.twoFactorEnabled} /> : <Organizations organizationId={viewer.organizationId} query={kaseyaOneOrgQuerySchema.parse(params)} />}
    </>
  );
}

async function AutomaticUserCreation({ organizationId, twoFactorEnabled }: { organizationId: string; twoFactorEnabled: boolean }) {
  const [view, platform, own] = await Promise.all([getKaseyaOneSettings(getDb(), organizationId), getPlatformKaseyaOneConnection(), hasConnection(organizationId, 'kaseyaone')]);
  const sp = spDetails();
  return (
    <>
      <Card className="mb-6 p-6">
        <section aria-label="KaseyaOne Unified Login connection">
          <h2 className="text-base font-semibold text-ink">KaseyaOne Unified Login</h2>
          <p className="mt-1 max-w-2xl text-sm text-ink-muted" data-testid="k1-platform-status">
            {own
              ? 'Your organization has its own KaseyaOne connection; logins started here use it.'
              : platform
                ? `KaseyaOne is connected once for the whole platform (IdP ${platform.idp}). Its users sign in here when their KaseyaOne partner organization ID is the one below.`
                : 'KaseyaOne is not connected for the platform yet: the operator registers it once (npm run sso:add -- --platform-kaseyaone). Give Kaseya the details below.'}
          </p>
          <p className="mt-1 text-xs text-ink-subtle">Set up by the operator; read-only here.</p>
          <div className="mt-4 grid gap-3 sm:grid-cols-2">
            <CopyField label="SP Entity ID" value={sp.entityId} />
            <CopyField label="ACS URL" value={sp.acsUrl} />
            <CopyField label="SP metadata URL" value={sp.metadataUrl} />
          </div>
        </section>
      </Card>
      <Card className="p-6">
        <KaseyaOneSettingsForm view={view} twoFactorEnabled={twoFactorEnabled} save={saveKaseyaOneSettingsAction} />
      </Card>
    </>
  );
}

function Organizations({ organizationId, query }: { organizationId: string; query: KaseyaOneOrgQuery }) {
  return (
    <Card className="p-6">
      <h2 className="text-base font-semibold text-ink">Organizations KaseyaOne reports</h2>
      <p className="mb-5 mt-1 max-w-2xl text-sm text-ink-muted">
        Map each KaseyaOne customer organization to one of your client Accounts so its people land under the right Account. This list isn’t read from KaseyaOne here: add organizations by hand.
      </p>
      <Suspense key={JSON.stringify(query)} fallback={<TableSkeleton label="Loading KaseyaOne organizations" rows={4} columns={4} />}>
        <OrganizationsTable organizationId={organizationId} query={query} />
      </Suspense>
    </Card>
  );
}

async function OrganizationsTable({ organizationId, query }: { organizationId: string; query: KaseyaOneOrgQuery }) {
  const db = getDb();
  const [page, accounts] = await Promise.all([listKaseyaOneOrgs(db, organizationId, query), clientAccountOptions(db, organizationId)]);
  const params = { tab: 'organizations', q: query.q, sort: query.sort };
  return (
    <>
      {page.total > 0 || query.q ? (
        <form method="get" action={PATH} role="search" aria-label="Search KaseyaOne organizations" className="mb-4 flex items-end gap-2">
          <input type="hidden" name="tab" value="organizations" />
          <input type="hidden" name="sort" value={query.sort} />
          <div>
            <label htmlFor="k1o-q" className="mb-1 block text-xs font-medium text-ink-muted">
              Search
            </label>
            <input id="k1o-q" name="q" type="search" defaultValue={query.q} placeholder="Name or KaseyaOne ID" className="block w-72 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm" />
          </div>
          <button type="submit" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-ink hover:bg-slate-50">
            Search
          </button>
        </form>
      ) : null}
      <KaseyaOneOrganizations
        rows={page.rows}
        accounts={accounts}
        query={query}
        basePath={PATH}
        pager={page.total > page.pageSize ? <Pager page={page.page} pageSize={page.pageSize} total={page.total} params={params} basePath={PATH} /> : null}
        actions={{ add: addKaseyaOneOrgAction, map: mapKaseyaOneOrgAction, remove: removeKaseyaOneOrgAction }}
      />
    </>
  );
}
