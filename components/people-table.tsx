import Link from 'next/link';
import { Pager } from '@/components/pager';
import { Badge, Card } from '@/components/ui/page';
import type { Page } from '@/lib/pagination';
import type { PeopleQuery, PersonRow } from '@/lib/people/queries';

const SOURCE_LABEL: Record<PersonRow['source'], string> = { local: 'Local', sso_jit: 'SSO JIT', kaseyaone: 'KaseyaOne', azure_ad: 'Azure AD' };
const STATUS_TONE = { active: 'green', inactive: 'amber', archived: 'slate' } as const;

/** Employees or contacts: search, filters and sortable columns in the URL (the one pagination contract). */
export function PeopleTable({ page, query, params, kind, basePath }: { page: Page<PersonRow>; query: PeopleQuery; params: Record<string, string | undefined>; kind: 'employee' | 'contact'; basePath: string }) {
  const sortHref = (key: string) => {
    const next = query.sort === key ? `-${key}` : key;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...params, sort: next, page: '1' })) if (v) q.set(k, v);
    return `${basePath}?${q}`;
  };
  const sortMark = (key: string) => (query.sort === key ? ' ↑' : query.sort === `-${key}` ? ' ↓' : '');
  const ariaSort = (key: string) => (query.sort === key ? 'ascending' : query.sort === `-${key}` ? 'descending' : undefined);
  const select = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm';
  return (
    <>
      <form method="get" className="mb-4 flex flex-wrap items-end gap-3" aria-label="Search people">
        <input type="hidden" name="sort" value={query.sort} />
        <div className="min-w-64 flex-1">
          <label htmlFor="p-q" className="mb-1 block text-xs font-medium text-ink-muted">Search</label>
          <input id="p-q" name="q" defaultValue={query.q} placeholder="Name or email" className={select} />
        </div>
        <div>
          <label htmlFor="p-status" className="mb-1 block text-xs font-medium text-ink-muted">Status</label>
          <select id="p-status" name="status" defaultValue={query.status ?? ''} className={select}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="inactive">Inactive</option>
            <option value="archived">Archived</option>
          </select>
        </div>
        <div>
          <label htmlFor="p-source" className="mb-1 block text-xs font-medium text-ink-muted">Source</label>
          <select id="p-source" name="source" defaultValue={query.source ?? ''} className={select}>
            <option value="">Any</option>
            {Object.entries(SOURCE_LABEL).map(([k, v]) => (
              <option key={k} value={k}>{v}</option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">Search</button>
      </form>
      <Card className="overflow-hidden">
        {page.rows.length === 0 ? (
          <div className="p-10 text-center">
            <p className="text-sm font-medium text-ink">{query.q || query.status || query.source ? 'Nobody matches' : `No ${kind === 'employee' ? 'employees' : 'contacts'} yet`}</p>
            <p className="mt-1 text-sm text-ink-muted">People appear here when they are added, sign in through SSO, or sync from Azure AD.</p>
          </div>
        ) : (
          <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={kind === 'employee' ? 'Employees' : 'Contacts'}>
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-ink-muted">
              <tr>
                <th scope="col" className="px-4 py-3" aria-sort={ariaSort('name')}><Link href={sortHref('name')}>Name{sortMark('name')}</Link></th>
                <th scope="col" className="px-4 py-3" aria-sort={ariaSort('email')}><Link href={sortHref('email')}>Email{sortMark('email')}</Link></th>
                {kind === 'employee' ? (
                  <>
                    <th scope="col" className="px-4 py-3">Department</th>
                    <th scope="col" className="px-4 py-3">Job Title</th>
                  </>
                ) : (
                  <th scope="col" className="px-4 py-3">Account</th>
                )}
                <th scope="col" className="px-4 py-3">Security Role</th>
                <th scope="col" className="px-4 py-3">Source</th>
                <th scope="col" className="px-4 py-3" aria-sort={ariaSort('lastLogin')}><Link href={sortHref('lastLogin')}>Last login{sortMark('lastLogin')}</Link></th>
                <th scope="col" className="px-4 py-3">Status</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.rows.map((p) => (
                <tr key={p.id} className="hover:bg-slate-50">
                  <td className="px-4 py-3 font-medium text-ink">
                    <Link href={`/people/${p.id}`} className="hover:text-brand-700">{`${p.firstName} ${p.lastName}`.trim() || p.email}</Link>
                  </td>
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
                  <td className="whitespace-nowrap px-4 py-3 text-ink-muted">{p.lastLoginAt ? p.lastLoginAt.toISOString().slice(0, 16).replace('T', ' ') : 'Never'}</td>
                  <td className="px-4 py-3">
                    <Badge tone={STATUS_TONE[p.status]}>{p.status[0]!.toUpperCase() + p.status.slice(1)}</Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager page={page.page} pageSize={page.pageSize} total={page.total} params={params} basePath={basePath} />
      </Card>
    </>
  );
}
