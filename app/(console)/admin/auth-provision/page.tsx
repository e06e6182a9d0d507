import type { Metadata } from 'next';
import { CopyField } from '@/components/copy-field';
import { SsoConnections } from '@/components/sso-connections';
import { Card, ComingSoon, PageHeader } from '@/components/ui/page';
import { requireAdmin } from '@/lib/auth/viewer';
import { listConnections, spDetails } from '@/lib/sso/connections';
import { LoginPreview } from '@/components/login-preview';
import { addOidcConnection, addSamlConnection, previewLoginAction, removeSsoConnection } from './actions';

export const metadata: Metadata = { title: 'Auth & Provision' };

export default async function AuthProvisionPage() {
  const viewer = await requireAdmin();
  const [connections, sp] = [await listConnections(viewer.organizationId), spDetails()];
  return (
    <>
      <PageHeader
        trail={['Admin', 'My Company']}
        title="Auth & Provision"
        description="How your people get in: single sign-on connections, just-in-time provisioning and Azure AD sync."
      />
      <div className="space-y-6">
        <Card className="p-6">
          <h2 className="text-base font-semibold text-ink">SSO connections</h2>
          <p className="mt-1 text-sm text-ink-muted">Connect your identity provider (Entra ID, Okta, Passly, KaseyaOne…) over SAML or OIDC. Users must carry an email address.</p>
          <div className="mt-5 grid gap-4 rounded-lg bg-slate-50 p-4 md:grid-cols-2">
            <p className="text-sm font-medium text-ink md:col-span-2">Enter these in your identity provider</p>
            <CopyField label="Entity ID" value={sp.entityId} />
            <CopyField label="ACS URL" value={sp.acsUrl} />
            <CopyField label="SP metadata URL" value={sp.metadataUrl} />
            <CopyField label="OIDC redirect URL" value={sp.oidcRedirectUrl} />
          </div>
          <div className="mt-6">
            <SsoConnections connections={connections} actions={{ addSaml: addSamlConnection, addOidc: addOidcConnection, remove: removeSsoConnection }} />
          </div>
        </Card>
        <Card className="p-6">
          <h2 className="text-base font-semibold text-ink">Login preview</h2>
          <p className="mb-5 mt-1 text-sm text-ink-muted">Enter what an identity provider would send and see what would happen right now: allowed or denied, why, which rule matched and which fields would change. Nothing is written.</p>
          <LoginPreview preview={previewLoginAction} />
        </Card>
        <div className="grid gap-4 md:grid-cols-2">
          <ComingSoon title="SSO JIT Provisioning" points={['Employee Defaults for people created at first login', 'Mapping Rules by domain and security group', 'Attribute mapping with default values']} />
          <ComingSoon title="Azure AD Sync" points={['Connections to your Microsoft Entra ID tenants', 'Group-based Mapping Rules, lowest order wins', 'Sync runs with counts and a full audit trail']} />
        </div>
      </div>
    </>
  );
}
