import type { Metadata } from 'next';
import Link from 'next/link';
import { CopyField } from '@/components/copy-field';
import { SsoConnections } from '@/components/sso-connections';
import { Card, PageHeader } from '@/components/ui/page';
import { requireAdmin } from '@/lib/auth/viewer';
import { listConnections, spDetails } from '@/lib/sso/connections';
import { AttributeMappings } from '@/components/attribute-mappings';
import { LoginPreview } from '@/components/login-preview';
import { listAttributeMappings } from '@/lib/settings/attribute-mappings';
import { MappingRules, ProvisioningMethod } from '@/components/mapping-rules';
import { getDb } from '@/lib/db/client';
import { getKaseyaOneSettings } from '@/lib/settings/kaseyaone';
import { getProvisioningMethod, listRules } from '@/lib/settings/mapping-rules';
import { ScimDirectories } from '@/components/scim-directories';
import { listDirectories } from '@/lib/scim/directories';
import { getRequireAdminTwoFactor } from '@/lib/settings/sign-in-security';
import { RequireTwoFactor } from '@/components/require-two-factor';
import { addDirectoryAction, addOidcConnection, addSamlConnection, deleteAttributeMappingAction, deleteDirectoryAction, deleteRuleAction, previewLoginAction, removeSsoConnection, rotateDirectoryTokenAction, saveAttributeMappingAction, saveMethodAction, saveDirectoryGuardAction, saveRequireAdminTwoFactorAction, saveRuleAction, settleHeldAction } from './actions';

export const metadata: Metadata = { title: 'Auth & Provision' };

export default async function AuthProvisionPage() {
  const viewer = await requireAdmin();
  const db = getDb();
  const [connections, sp, rules, settings] = [await listConnections(viewer.organizationId), spDetails(), await listRules(db, viewer.organizationId), await getKaseyaOneSettings(db, viewer.organizationId)];
  const method = await getProvisioningMethod(db, viewer.organizationId);
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
          <h2 className="text-base font-semibold text-ink">SSO JIT Provisioning</h2>
          <p className="mb-5 mt-1 text-sm text-ink-muted">People who sign in through SSO are created and kept in step by these rules. Each rule matches a domain and a security group (either may be any) and sets the user type and Security Role. The lowest order wins; on a tie, the oldest rule. New people also get the{' '}
            <Link href="/admin/kaseyaone-settings" className="font-medium text-brand-700 hover:underline">
              Employee Defaults and Account
            </Link>{' '}
            set on KaseyaOne Settings.
          </p>
          <ProvisioningMethod method={method} save={saveMethodAction} />
          <h3 className="mb-3 mt-6 text-sm font-semibold text-ink">Mapping Rules</h3>
          <MappingRules
            rules={rules}
            lookups={{ securityRoleId: settings.options.securityRoleId, departmentId: settings.options.departmentId, locationId: settings.options.locationId, employeeRoleId: settings.options.employeeRoleId }}
            actions={{ saveMethod: saveMethodAction, saveRule: saveRuleAction, deleteRule: deleteRuleAction }}
          />
          <h3 className="mb-1 mt-8 text-sm font-semibold text-ink">Attribute mapping</h3>
          <p className="mb-3 text-sm text-ink-muted">Fill person fields from any assertion attribute, with a default value when the IdP does not send it. Department, Location and the other lookups match by name.</p>
          <AttributeMappings mappings={await listAttributeMappings(db, viewer.organizationId)} actions={{ save: saveAttributeMappingAction, remove: deleteAttributeMappingAction }} />
        </Card>
        <Card className="p-6">
          <h2 className="text-base font-semibold text-ink">Directory Sync (SCIM)</h2>
          <p className="mb-5 mt-1 text-sm text-ink-muted">
            Let your IdP (Entra ID, Okta, OneLogin, JumpCloud) push people and groups over SCIM 2.0. They are created, updated and deactivated in seconds by the same Mapping Rules (domain and group names), attribute mapping and Employee Defaults as SSO logins; a user set inactive or deleted at the IdP is deactivated here, never deleted.
          </p>
          <ScimDirectories directories={await listDirectories(db, viewer.organizationId)} actions={{ add: addDirectoryAction, rotate: rotateDirectoryTokenAction, remove: deleteDirectoryAction, settle: settleHeldAction, saveGuard: saveDirectoryGuardAction }} />
        </Card>
        <Card className="p-6">
          <h2 className="text-base font-semibold text-ink">Login preview</h2>
          <p className="mb-5 mt-1 text-sm text-ink-muted">Enter what an identity provider would send and see what would happen right now: allowed or denied, why, which rule matched and which fields would change. Nothing is written.</p>
          <LoginPreview preview={previewLoginAction} />
        </Card>
        <Card className="p-6">
          <h2 className="text-base font-semibold text-ink">Sign-in security</h2>
          <p className="mb-5 mt-1 text-sm text-ink-muted">
            Local accounts can protect their password with two-factor authentication (each person sets it up under{' '}
            <Link href="/account/two-factor" className="font-medium text-brand-700 hover:underline">
              My Account › Two-factor authentication
            </Link>
            ).
          </p>
          <RequireTwoFactor required={await getRequireAdminTwoFactor(db, viewer.organizationId)} save={saveRequireAdminTwoFactorAction} />
        </Card>
        <Card className="flex flex-wrap items-center justify-between gap-4 p-6">
          <div>
            <h2 className="text-base font-semibold text-ink">Azure AD Sync</h2>
            <p className="mt-1 text-sm text-ink-muted">Create and update people from Microsoft Entra ID tenants, with group-based Mapping Rules and a record of every sync run.</p>
          </div>
          <Link href="/admin/azure-ad" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-ink hover:bg-slate-50">
            Open Azure AD Sync
          </Link>
        </Card>
      </div>
    </>
  );
}

