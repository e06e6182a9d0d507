import { Badge, Card } from '@/components/ui/page';
import type { PersonRow } from '@/lib/people/queries';

const SOURCE_LABEL: Record<PersonRow['source'], string> = { local: 'Local', sso_jit: 'SSO JIT', kaseyaone: 'KaseyaOne', azure_ad: 'Azure AD' };
const STATUS_TONE = { active: 'green', inactive: 'amber', archived: 'slate' } as const;

export function PeopleTable({ rows, kind }: { rows: PersonRow[]; kind: 'employee' | 'contact' }) {
  if (rows.length === 0) {
    return (
      <Card className="p-10 text-center">
        <p className="text-sm font-medium text-ink">No {kind === 'employee' ? 'employees' : 'contacts'} yet</p>
        <p className="mt-1 text-sm text-ink-muted">People appear here when they are added, sign in through SSO, or sync from Azure AD.</p>
      </Card>
    );
  }
  const middle = kind === 'employee' ? ['Department', 'Job Title'] : ['Account'];
  return (
    <Card className="overflow-hidden">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-ink-muted">
          <tr>
            <th scope="col" className="px-4 py-3">Name</th>
            <th scope="col" className="px-4 py-3">Email</th>
            {middle.map((h) => (
              <th scope="col" key={h} className="px-4 py-3">{h}</th>
            ))}
            <th scope="col" className="px-4 py-3">Security Role</th>
            <th scope="col" className="px-4 py-3">Source</th>
            <th scope="col" className="px-4 py-3">Status</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((p) => (
            <tr key={p.id} className="hover:bg-slate-50">
              <td className="px-4 py-3 font-medium text-ink">{`${p.firstName} ${p.lastName}`.trim()}</td>
              <td className="px-4 py-3 text-ink-muted">{p.email}</td>
              {kind === 'employee' ? (
                <>
                  <td className="px-4 py-3 text-ink-muted">{p.department ?? '—'}</td>
                  <td className="px-4 py-3 text-ink-muted">{p.jobTitle ?? '—'}</td>
                </>
              ) : (
                <td className="px-4 py-3 text-ink-muted">{p.account ?? '—'}</td>
              )}
              <td className="px-4 py-3 text-ink-muted">{p.securityRole ?? '—'}</td>
              <td className="px-4 py-3 text-ink-muted">{SOURCE_LABEL[p.source]}</td>
              <td className="px-4 py-3">
                <Badge tone={STATUS_TONE[p.status]}>{p.status[0]!.toUpperCase() + p.status.slice(1)}</Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
