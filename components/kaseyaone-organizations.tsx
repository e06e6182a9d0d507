'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useMemo, useState, useTransition, type ReactNode } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { ClientForm } from '@/components/ui/client-form';
import { Button } from '@/components/ui/button';
import { ConfirmDelete } from '@/components/ui/confirm-delete';
import { columnsFor, DataTable } from '@/components/ui/data-table';
import { EmptyState, ErrorNotice, Notice } from '@/components/ui/notice';
import type { ActionResult } from '@/lib/auth/action';
import type { Option } from '@/lib/settings/kaseyaone';
import type { KaseyaOneOrgQuery, KaseyaOneOrgRow } from '@/lib/settings/kaseyaone-organizations';
import { kaseyaOneOrganizationSchema, type KaseyaOneOrganizationInput } from '@/lib/settings/schemas';

type Action = (input: unknown) => Promise<ActionResult>;
type Actions = { add: Action; map: Action; remove: Action };

const col = columnsFor<KaseyaOneOrgRow>();
const input = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm';

/** KaseyaOne Settings › Organizations: KaseyaOne customer organizations mapped to client Accounts. */
export function KaseyaOneOrganizations({
  rows,
  accounts,
  query,
  basePath,
  pager,
  actions,
}: {
  rows: KaseyaOneOrgRow[];
  accounts: Option[];
  query: KaseyaOneOrgQuery;
  basePath: string;
  pager?: ReactNode;
  actions: Actions;
}) {
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const report = (res: ActionResult, done: string) => {
    setNotice(res.ok ? done : null);
    setError(res.ok ? null : res.fieldErrors?.clientAccountId ?? res.error);
  };
  const map = (row: KaseyaOneOrgRow, clientAccountId: string | null) =>
    start(async () => {
      const account = accounts.find((a) => a.id === clientAccountId)?.name;
      report(await actions.map({ id: row.id, clientAccountId }), account ? `${row.name} mapped to ${account}.` : `${row.name} unmapped.`);
    });
  const remove = (row: KaseyaOneOrgRow) =>
    start(async () => {
      setConfirming(null);
      report(await actions.remove({ id: row.id }), `${row.name} removed.`);
    });

  const sortHref = (key: 'name' | 'externalId') => {
    const q = new URLSearchParams({ tab: 'organizations', sort: query.sort === key ? `-${key}` : key });
    if (query.q) q.set('q', query.q);
    return `${basePath}?${q}`;
  };
  const sorted = (key: string) => (query.sort === key ? 'ascending' : query.sort === `-${key}` ? 'descending' : undefined);
  const mark = (key: string) => (sorted(key) === 'ascending' ? ' ↑' : sorted(key) === 'descending' ? ' ↓' : '');

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('name', {
          header: () => <Link href={sortHref('name')}>Name{mark('name')}</Link>,
          meta: { className: 'font-medium text-ink', ariaSort: sorted('name') },
        }),
        col.accessor('externalId', {
          header: () => <Link href={sortHref('externalId')}>KaseyaOne ID{mark('externalId')}</Link>,
          meta: { className: 'font-mono text-xs text-ink-muted', ariaSort: sorted('externalId') },
        }),
        col.display({
          id: 'account',
          header: 'Client Account',
          cell: ({ row: { original: r } }) => <AccountCell key={`${r.id}:${r.clientAccountId}`} row={r} accounts={accounts} pending={pending} onMap={map} />,
        }),
        col.display({
          id: 'actions',
          header: '',
          meta: { headerLabel: 'Actions', className: 'whitespace-nowrap text-right' },
          cell: ({ row: { original: r } }) => (
            <ConfirmDelete
              asking={confirming === r.id}
              onAsk={() => setConfirming(r.id)}
              onCancel={() => setConfirming(null)}
              onConfirm={() => remove(r)}
              pending={pending}
              label="Remove"
              askLabel={`Remove ${r.name}`}
            />
          ),
        }),
      ]),
    [accounts, confirming, pending, query.sort, query.q],
  );

  return (
    <div className="space-y-4">
      <Notice message={notice} />
      <ErrorNotice message={error} />
      {rows.length ? (
        <div>
          <DataTable label="KaseyaOne organizations" columns={columns} data={rows} getRowId={(r) => r.id} />
          {pager}
        </div>
      ) : query.q ? (
        <EmptyState title={`No KaseyaOne organization matches “${query.q}”`}>
          Search looks at the name and the KaseyaOne ID.{' '}
          <Link href={`${basePath}?tab=organizations`} className="font-medium text-brand-700 hover:underline">
            Clear the search
          </Link>
        </EmptyState>
      ) : (
        <EmptyState title="No KaseyaOne organizations yet">Add the organizations KaseyaOne lists for your partner account, then map each one to a client Account.</EmptyState>
      )}
      <AddOrganization accounts={accounts} add={actions.add} onAdded={(name) => { setError(null); setNotice(`${name} added.`); }} />
    </div>
  );
}

function AccountCell({ row, accounts, pending, onMap }: { row: KaseyaOneOrgRow; accounts: Option[]; pending: boolean; onMap: (row: KaseyaOneOrgRow, id: string | null) => void }) {
  const [value, setValue] = useState(row.clientAccountId ?? '');
  const id = `k1org-${row.id}`;
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="sr-only">
        Client Account for {row.name}
      </label>
      <select id={id} value={value} onChange={(e) => setValue(e.target.value)} className="block w-48 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
        <option value="">Not mapped</option>
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
      {value !== (row.clientAccountId ?? '') ? (
        <Button className="py-1" disabled={pending} aria-label={`Save the Account of ${row.name}`} onClick={() => onMap(row, value || null)}>
          Save
        </Button>
      ) : row.clientAccountId ? (
        <Button variant="ghost" className="py-1" disabled={pending} aria-label={`Unmap ${row.name}`} onClick={() => onMap(row, null)}>
          Unmap
        </Button>
      ) : null}
    </div>
  );
}

const EMPTY: KaseyaOneOrganizationInput = { externalId: '', name: '', clientAccountId: '' };

function AddOrganization({ accounts, add, onAdded }: { accounts: Option[]; add: Action; onAdded: (name: string) => void }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<KaseyaOneOrganizationInput>({ resolver: zodResolver(kaseyaOneOrganizationSchema, undefined, { raw: true }) as unknown as Resolver<KaseyaOneOrganizationInput>, defaultValues: EMPTY });
  const err = form.formState.errors;
  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Add organization
      </Button>
    );
  }
  const submit = async (values: KaseyaOneOrganizationInput) => {
    setError(null);
    const res = await add(values);
    if (res.ok) {
      form.reset(EMPTY);
      setOpen(false);
      onAdded(values.name.trim());
      return;
    }
    for (const [name, message] of Object.entries(res.fieldErrors ?? {})) form.setError(name as keyof KaseyaOneOrganizationInput, { message });
    setError(res.error);
  };
  const field = (name: 'externalId' | 'name', label: string, placeholder: string) => (
    <div>
      <label htmlFor={`k1o-${name}`} className="mb-1 block text-sm font-medium text-ink">
        {label}
      </label>
      <input id={`k1o-${name}`} className={`${input} ${err[name] ? 'border-red-400' : ''}`} placeholder={placeholder} aria-invalid={err[name] ? true : undefined} {...form.register(name)} />
      {err[name] ? <p className="mt-1 text-sm text-red-700">{err[name]?.message}</p> : null}
    </div>
  );
  return (
    <ClientForm onSubmit={form.handleSubmit(submit)} aria-label="Add KaseyaOne organization" className="rounded-lg border border-slate-200 p-5">
      <h3 className="text-sm font-semibold text-ink">Add a KaseyaOne organization</h3>
      <p className="mb-4 mt-1 text-sm text-ink-muted">Enter it as KaseyaOne shows it: we don’t read the list from KaseyaOne yet.</p>
      <div className="grid gap-4 sm:grid-cols-3">
        {field('externalId', 'KaseyaOne ID', 'e.g. k1-org-10041')}
        {field('name', 'Name', 'e.g. Initech')}
        <div>
          <label htmlFor="k1o-clientAccountId" className="mb-1 block text-sm font-medium text-ink">
            Client Account <span className="font-normal text-ink-muted">(optional)</span>
          </label>
          <select id="k1o-clientAccountId" className={input} aria-invalid={err.clientAccountId ? true : undefined} {...form.register('clientAccountId')}>
            <option value="">Not mapped</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          {err.clientAccountId ? <p className="mt-1 text-sm text-red-700">{err.clientAccountId.message}</p> : null}
        </div>
      </div>
      <div className="mt-4 flex items-center justify-between gap-4">
        <p className="text-sm text-red-700">{error}</p>
        <span className="flex gap-2">
          <Button type="button" variant="ghost" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={form.formState.isSubmitting}>
            Add organization
          </Button>
        </span>
      </div>
    </ClientForm>
  );
}
