import type { Metadata } from 'next';
import { ComingSoon, PageHeader } from '@/components/ui/page';
import { requireAdmin } from '@/lib/auth/viewer';

export const metadata: Metadata = { title: 'Auth & Provision' };

export default async function AuthProvisionPage() {
  await requireAdmin();
  return (
    <>
      <PageHeader
        trail={['Admin', 'My Company']}
        title="Auth & Provision"
        description="How your people get in: single sign-on connections, just-in-time provisioning and Azure AD sync."
      />
      <div className="grid gap-4 md:grid-cols-3">
        <ComingSoon title="SSO JIT Provisioning" points={['SAML and OIDC connections with the ACS URL and Entity ID to copy', 'Employee Defaults for people created at first login', 'Mapping Rules by domain and security group']} />
        <ComingSoon title="Azure AD Sync" points={['Connections to your Microsoft Entra ID tenants', 'Group-based Mapping Rules, lowest order wins', 'Sync runs with counts and a full audit trail']} />
        <ComingSoon title="Login preview" points={['Try an email, groups and attributes', 'See the decision, the matched rule and the field changes', 'Nothing is written']} />
      </div>
    </>
  );
}
