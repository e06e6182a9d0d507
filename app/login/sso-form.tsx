import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

/** A plain form POST (not a server action) so the browser follows the redirect to the IdP. */
export function SsoForm({ org }: { org?: string }) {
  return (
    <form method="post" action="/api/sso/start" className="space-y-3">
      {org ? <input type="hidden" name="org" value={org} /> : null}
      <Field label="Work email" name="email" type="email" autoComplete="email" placeholder="you@company.com" />
      <div className="grid gap-2">
        <Button type="submit" name="kind" value="sso" variant="secondary">
          Sign in with SSO
        </Button>
        <Button type="submit" name="kind" value="kaseyaone" variant="secondary">
          Log in with KaseyaOne
        </Button>
      </div>
    </form>
  );
}
