import type { Metadata } from 'next';
import { TwoFactorSetup } from '@/components/two-factor-setup';
import { Badge, Card, PageHeader } from '@/components/ui/page';
import { requireViewer } from '@/lib/auth/viewer';
import { getTwoFactorStatus, hasLocalPassword, NO_PASSWORD, pendingEnrollment } from '@/lib/auth/two-factor';
import { getDb } from '@/lib/db/client';
import { confirmTwoFactorAction, disableTwoFactorAction, regenerateRecoveryCodesAction, startTwoFactorAction } from './actions';

export const metadata: Metadata = { title: 'Two-factor authentication' };

export default async function TwoFactorAccountPage() {
  // Open to an admin who must still turn two-factor on: this is where they are sent.
  const viewer = await requireViewer({ setup: true });
  const db = getDb();
  const [status, local] = await Promise.all([getTwoFactorStatus(db, viewer.organizationId, viewer.personId), hasLocalPassword(db, viewer.organizationId, viewer.personId)]);
  const pending = status.enabled || !local ? null : await pendingEnrollment(db, viewer.organizationId, viewer.personId, viewer.email);
  return (
    <>
      <PageHeader
        trail={['My Account']}
        title="Two-factor authentication"
        description="Protect your password sign-in with a code from an authenticator app (Microsoft or Google Authenticator, 1Password, Authy…)."
        meta={status.enabled ? <Badge tone="green">On</Badge> : <Badge tone="slate">Off</Badge>}
      />
      {viewer.mustEnrollTwoFactor ? (
        <p role="alert" data-testid="two-factor-required" className="mb-6 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          Your organization requires two-factor authentication for administrators. Turn it on to continue to the console.
        </p>
      ) : null}
      <Card className="p-6">
        {local ? (
          <TwoFactorSetup
            status={{ enabled: status.enabled, enabledAt: status.enabledAt?.toISOString() ?? null, recoveryCodesLeft: status.recoveryCodesLeft }}
            pending={pending}
            actions={{ start: startTwoFactorAction, confirm: confirmTwoFactorAction, disable: disableTwoFactorAction, regenerate: regenerateRecoveryCodesAction }}
          />
        ) : (
          <p className="text-sm text-ink-muted">{NO_PASSWORD}</p>
        )}
      </Card>
    </>
  );
}
