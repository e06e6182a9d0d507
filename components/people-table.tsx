import Link from 'next/link';
import { Pager } from '@/components/pager';
import { Badge, Card } from '@/components/ui/page';
import type { Page } from '@/lib/pagination';
import type { PeopleQuery, PersonRow } from '@/lib/people/queries';

const SOURCE_LABEL: Record<PersonRow['source'], string> = { local: 'Local', sso_jit: 'SSO JIT', kaseyaone: 'KaseyaOne', azure_ad: 'Azure AD', scim: 'SCIM' };
const STATUS_TONE = { active: 'green', inactive: 'amber', archived: 'slate' } as const;

/** Search and filters for Employees or Contacts, submitted as URL params (the one pagination contract). */
export function PeopleFilters({ query }: { query: PeopleQuery }) {
  const select = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm';
  return (
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
          <option value="removed">Removed</option>
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
  );
}

/** One page of employees or contacts, with sortable columns; the filters live in the URL. */
export function PeopleTable({ page, query, params, kind, basePath }: { page: Page<PersonRow>; query: PeopleQuery; params: Record<string, string | undefined>; kind: 'employee' | 'contact'; basePath: string }) {
  const sortHref = (key: string) => {
    const next = query.sort === key ? `-${key}` : key;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...params, sort: next, page: '1' })) if (v) q.set(k, v);
    return `${basePath}?${q}`;
  };
  const sortMark = (key: string) => (query.sort === key ? ' ↑' : query.sort === `-${key}` ? ' ↓' : '');
  const ariaSort = (key: string) => (query.sort === key ? 'ascending' : query.sort === `-${key}` ? 'descending' : undefined);
  return (
    <>
      <Card className="overflow-hidden">
        {page.rows.length === 0 ? (
          <div className="p-10 text-center">
            <p className="text-sm font-medium text-ink">{query.q || query.status || query.source ? 'Nobody matches' : `No ${kind === 'employee' ? 'employees' : 'contacts'} yet`}</p>
            <p className="mt-1 text-sm text-ink-muted">People appear here when they are added, sign in through SSO, or sync from Azure AD.</p>
          </div>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={kind === 'employee' ? 'Employees' : 'Contacts'}>
              <thead className="whitespace-nowrap bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-ink-muted">
                <tr>
                  <th scope="col" className="px-3 py-3 pl-4" aria-sort={ariaSort('name') ?? ariaSort('email')}>
                    <Link href={sortHref('name')}>Name{sortMark('name')}</Link>
                    <span className="px-1.5 text-ink-subtle" aria-hidden>/</span>
                    <Link href={sortHref('email')}>Email{sortMark('email')}</Link>
                  </th>
                  {kind === 'employee' ? (
                    <>
                      <th scope="col" className="px-3 py-3">Department</th>
                      <th scope="col" className="px-3 py-3">Job Title</th>
                    </>
                  ) : (
                    <th scope="col" className="px-3 py-3">Account</th>
                  )}
                  <th scope="col" className="px-3 py-3">Security Role</th>
                  <th scope="col" className="px-3 py-3">Source</th>
                  <th scope="col" className="px-3 py-3" aria-sort={ariaSort('lastLogin')}><Link href={sortHref('lastLogin')}>Last login{sortMark('lastLogin')}</Link></th>
                  <th scope="col" className="px-3 py-3">Status</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {page.rows.map((p) => (
                  <tr key={p.id} className="hover:bg-slate-50">
                    <td className="max-w-72 py-3 pl-4 pr-3">
                      <Link href={`/people/${p.id}`} className="block truncate font-medium text-ink hover:text-brand-700">{`${p.firstName} ${p.lastName}`.trim() || p.email}</Link>
                      <span className="block truncate text-xs text-ink-muted" title={p.email}>{p.email}</span>
                    </td>
                    {kind === 'employee' ? (
                      <>
                        <td className="px-3 py-3 text-ink-muted">{p.department ?? '—'}</td>
                        <td className="px-3 py-3 text-ink-muted">{p.jobTitle ?? '—'}</td>
                      </>
                    ) : (
                      <td className="px-3 py-3 text-ink-muted">{p.account ?? '—'}</td>
                    )}
                    <td className="px-3 py-3 text-ink-muted">{p.securityRole ?? '—'}</td>
                    <td className="px-3 py-3 text-ink-muted">{SOURCE_LABEL[p.source]}</td>
                    <td className="whitespace-nowrap px-3 py-3 text-ink-muted">{p.lastLoginAt ? p.lastLoginAt.toISOString().slice(0, 16).replace('T', ' ') : 'Never'}</td>
                    <td className="px-3 py-3">
                      {p.removed ? <Badge tone="red">Removed</Badge> : <Badge tone={STATUS_TONE[p.status]}>{p.status[0]!.toUpperCase() + p.status.slice(1)}</Badge>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager page={page.page} pageSize={page.pageSize} total={page.total} params={params} basePath={basePath} />
      </Card>
    </>
  );
}
