import type { Metadata } from 'next';
import { AuthMessage, referenceFrom } from '@/components/auth-message';
import { isReasonCode, REASONS } from '@/lib/provisioning/reasons';

export const metadata: Metadata = { title: 'Sign-in refused' };

/** A refused SSO login: the reason in plain words, what to do, and the event reference an admin can look up. */
export default async function DeniedPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { code, ref, why } = await searchParams;
  const reason = isReasonCode(code) ? REASONS[code] : null;
  const reference = referenceFrom(ref);
  return (
    <AuthMessage kicker="Sign-in refused" title={reason?.title ?? 'You can’t sign in right now'} body={reason?.action ?? 'Ask your administrator for help.'}>
      {why === 'partner' ? (
        <p className="mt-4 text-sm text-ink" data-testid="denial-why">
          No organization here is linked to your KaseyaOne partner organization. Ask your administrator to enter its KaseyaOne partner organization ID on KaseyaOne Settings.
        </p>
      ) : null}
      {reference ? (
        <div className="mt-6 rounded-md bg-slate-50 px-4 py-3 text-sm">
          <p className="text-ink-muted">Give your administrator this reference:</p>
          <p className="mt-1 font-mono text-ink" data-testid="denial-ref">
            {reference}
          </p>
          {isReasonCode(code) ? (
            <p className="mt-1 text-xs text-ink-subtle" data-testid="denial-code">
              Reason code: {code}
            </p>
          ) : null}
        </div>
      ) : null}
    </AuthMessage>
  );
}
