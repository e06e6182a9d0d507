import type { Metadata } from 'next';
import Link from 'next/link';
import { AzureConnections } from '@/components/azure-connections';
import { AzureRuns } from '@/components/azure-runs';
import { AzurePhoneType } from '@/components/azure-phone-type';
import { MappingRules } from '@/components/mapping-rules';
import { Card, PageHeader } from '@/components/ui/page';
import { requireAdmin } from '@/lib/auth/viewer';
import { listConnections, listRuns } from '@/lib/azure/connections';
import { foldIdleRuns, type RunView } from '@/lib/azure/run-list';
import { getDefaultPhoneType } from '@/lib/azure/field-settings';
import { getDb } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { getKaseyaOneSettings } from '@/lib/settings/kaseyaone';
import { listRules } from '@/lib/settings/mapping-rules';
import {
  connectAction,
  decideRunAction,
  deleteAzureRuleAction,
  deleteConnectionAction,
  saveAzureRuleAction,
  saveConnectionAction,
  savePhoneTypeAction,
  syncNowAction,
  verifyAction,
} from './actions';

export const metadata: Metadata = { title: 'Azure AD Sync' };

const TABS = [
  ['connections', 'Connections'],
  ['rules', 'Mapping Rules'],
  ['runs', 'Sync runs'],
] as const;
type Tab = (typeof TABS)[number][0];

export default async function AzureAdSyncPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireAdmin();
  const params = await searchParams;
  const tab: Tab = TABS.some(([t]) => t === params.tab) ? (params.tab as Tab) : 'connections';
  const db = getDb();
  const connections = await listConnections(db, viewer.organizationId);
  const banner = params.connect === 'ok' ? { ok: true, text: 'Connected: Microsoft granted access and a Graph read worked. The first sync starts now.' } : params.connect === 'failed' ? { ok: false, text: String(params.reason ?? 'Connecting failed.') } : null;
  return (
    <>
      <PageHeader
        trail={['Admin', 'My Company']}
        title="Azure AD Sync"
        description="Create and keep people in step with Microsoft Entra ID (Azure AD): group-based Mapping Rules decide who gets in and as what; changes arrive within a minute."
        actions={
          <Link href="/admin/auth-provision" className="text-sm text-brand-600 hover:text-brand-700">
            Back to Auth &amp; Provision
          </Link>
        }
      />
      <nav aria-label="Azure AD Sync sections" className="mb-6 flex gap-1 border-b border-slate-200">
        {TABS.map(([key, label]) => (
          <Link
            key={key}
            href={`/admin/azure-ad?tab=${key}`}
            aria-current={tab === key ? 'page' : undefined}
            className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${tab === key ? 'border-brand-600 text-brand-700' : 'border-transparent text-ink-muted hover:text-ink'}`}
          >
            {label}
          </Link>
        ))}
      </nav>
      {tab === 'connections' ? (
        <Card className="p-6">
          <h2 className="text-base font-semibold text-ink">Connections</h2>
          <p className="mb-5 mt-1 text-sm text-ink-muted">
            One per Microsoft Entra ID tenant. The Application Key is stored encrypted and never shown again. Connect sends you to Microsoft to grant the application access as a Global Administrator.
          </p>
          <AzureConnections connections={connections} banner={banner} actions={{ save: saveConnectionAction, remove: deleteConnectionAction, connect: connectAction, verify: verifyAction, sync: syncNowAction }} />
        </Card>
      ) : tab === 'rules' ? (
        <RulesTab organizationId={viewer.organizationId} />
      ) : (
        <Card className="p-6">
          <h2 className="text-base font-semibold text-ink">Sync runs</h2>
          <p className="mb-5 mt-1 text-sm text-ink-muted">Every run with what it read and changed. Each person’s change is in the Provisioning Log with its reason.</p>
          <AzureRuns runs={foldIdleRuns(await runViews(viewer.organizationId, connections), 30)} stallSeconds={getEnv().AZURE_SYNC_STALL_SECONDS} decide={decideRunAction} />
        </Card>
      )}
    </>
  );
}

async function RulesTab({ organizationId }: { organizationId: string }) {
  const db = getDb();
  const [rules, settings, phoneType] = await Promise.all([listRules(db, organizationId, 'azure'), getKaseyaOneSettings(db, organizationId), getDefaultPhoneType(db, organizationId)]);
  return (
    <div className="space-y-6">
      <Card className="p-6">
        <h2 className="text-base font-semibold text-ink">Mapping Rules</h2>
        <p className="mb-5 mt-1 text-sm text-ink-muted">
          Each rule matches a tenant and an Azure AD group (by Object ID; members of nested groups count) and sets the user type and Security Role. The lowest order wins; on a tie, the oldest rule. Users no rule matches get no access.
        </p>
        <MappingRules
          variant="azure"
          rules={rules}
          lookups={{ securityRoleId: settings.options.securityRoleId, departmentId: settings.options.departmentId, locationId: settings.options.locationId, employeeRoleId: settings.options.employeeRoleId }}
          actions={{ saveMethod: saveAzureRuleAction, saveRule: saveAzureRuleAction, deleteRule: deleteAzureRuleAction }}
        />
      </Card>
      <Card className="p-6">
        <h2 className="text-base font-semibold text-ink">Field mapping</h2>
        <p className="mb-5 mt-1 text-sm text-ink-muted">
          givenName → First Name, surname → Last Name, userPrincipalName → Username (without @domain), office phone → Employee Phone or Contact Phone Number, jobTitle → Job Title (employees and contacts). The email source is set per connection. Saving a rule, the phone type or the email source re-evaluates every synced user at once from what Azure AD last sent; local edits to a person stay until that person changes in Azure AD.
        </p>
        <AzurePhoneType value={phoneType} save={savePhoneTypeAction} />
      </Card>
    </div>
  );
}

async function runViews(organizationId: string, connections: { id: string; tenant: string }[]): Promise<RunView[]> {
  const tenants = new Map(connections.map((c) => [c.id, c.tenant]));
  // More than are shown: idle runs fold into one row each stretch.
  return (await listRuns(getDb(), organizationId, 300)).map((r) => ({
    id: r.id,
    tenant: tenants.get(r.connectionId) ?? '—',
    status: r.status,
    full: r.full,
    trigger: r.trigger,
    note: r.note,
    progressAt: r.progressAt?.toISOString() ?? null,
    read: r.read,
    created: r.created,
    updated: r.updated,
    deactivated: r.deactivated,
    archived: r.archived,
    skipped: r.skipped,
    errors: r.errors,
    pendingCount: r.pendingCount,
    error: r.error,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}
