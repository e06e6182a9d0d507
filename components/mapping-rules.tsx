'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMemo, useState, useTransition } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { ClientForm } from '@/components/ui/client-form';
import { Button } from '@/components/ui/button';
import { ConfirmDelete } from '@/components/ui/confirm-delete';
import { columnsFor, DataTable } from '@/components/ui/data-table';
import { EmptyState, Notice } from '@/components/ui/notice';
import type { ActionResult } from '@/lib/auth/action';
import type { Option } from '@/lib/settings/kaseyaone';
import type { RuleRow } from '@/lib/settings/mapping-rules';
import { azureRuleSchema } from '@/lib/azure/schemas';
import { mappingRuleSchema, type MappingRuleInput } from '@/lib/settings/schemas';

/** SSO rules match an email domain and a group name; Azure AD rules a tenant and a group's Object ID. */
export type RuleVariant = 'sso' | 'azure';
const VARIANT = {
  sso: { domain: 'Domain', group: 'Security group', schema: mappingRuleSchema, empty: 'Without a rule nobody is provisioned by SSO JIT (your root user can always sign in). Add one per security group.' },
  azure: { domain: 'Tenant', group: 'Group Object ID', schema: azureRuleSchema, empty: 'Without a rule the sync creates nobody and users it created lose access (your root user is exempt). Add one per Azure AD group.' },
} as const;

type Lookups = { securityRoleId: Option[]; departmentId: Option[]; locationId: Option[]; employeeRoleId: Option[] };
type Act = (i: unknown) => Promise<ActionResult<unknown>>;
type Actions = { saveMethod: Act; saveRule: Act; deleteRule: Act };

const METHODS = [
  ['none', 'None'],
  ['sso_jit', 'SSO JIT Provisioning'],
  ['azure_ad', 'Azure AD Sync'],
] as const;

export function ProvisioningMethod({ method, save }: { method: string; save: Actions['saveMethod'] }) {
  const [value, setValue] = useState(method);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <fieldset>
      <legend className="text-sm font-medium text-ink">Provisioning method</legend>
      <div className="mt-2 flex flex-wrap items-center gap-5 text-sm">
        {METHODS.map(([key, label]) => (
          <label key={key} className="inline-flex items-center gap-2">
            <input type="radio" name="method" value={key} checked={value === key} onChange={() => setValue(key)} />
            {label}
          </label>
        ))}
        <Button
          type="button"
          variant="secondary"
          className="py-1"
          disabled={pending || value === method}
          onClick={() =>
            start(async () => {
              const res = await save({ method: value });
              setNotice(res.ok ? 'Provisioning method saved.' : res.error);
            })
          }
        >
          Save method
        </Button>
        {notice ? (
          <span role="status" className="text-sm text-emerald-700">
            {notice}
          </span>
        ) : null}
      </div>
    </fieldset>
  );
}

const EMPTY: MappingRuleInput = { id: null, domain: '', securityGroup: '', userType: 'employee', securityRoleId: '', departmentId: '', locationId: '', employeeRoleId: '', position: 10 };

const col = columnsFor<RuleRow>();
const any = <span className="text-ink-subtle">any</span>;

type RowActions = {
  confirming: string | null;
  pending: boolean;
  setConfirming: (id: string | null) => void;
  setEditing: (rule: MappingRuleInput) => void;
  remove: (id: string) => void;
};

function ruleColumns(a: RowActions, variant: RuleVariant) {
  return col.columns([
    col.accessor('position', { header: 'Order', meta: { className: 'font-mono' } }),
    col.accessor('domain', { header: VARIANT[variant].domain, cell: (c) => c.getValue() ?? any }),
    col.accessor('securityGroup', { header: VARIANT[variant].group, cell: (c) => c.getValue() ?? any, meta: variant === 'azure' ? { className: 'font-mono text-xs' } : undefined }),
    col.accessor('userType', { header: 'User type', cell: (c) => (c.getValue() === 'employee' ? 'Employee' : 'Client portal contact') }),
    col.accessor('roleName', { header: 'Security Role', meta: { className: 'font-medium' } }),
    col.accessor((r) => [r.departmentName, r.locationName, r.employeeRoleName].filter(Boolean).join(' · ') || '—', { id: 'alsoSets', header: 'Also sets', meta: { className: 'text-xs text-ink-muted' } }),
    col.accessor((r) => new Date(r.createdAt).toISOString().slice(0, 10), { id: 'created', header: 'Created', meta: { className: 'whitespace-nowrap text-xs text-ink-muted' } }),
    col.display({
      id: 'actions',
      header: '',
      meta: { headerLabel: 'Actions', className: 'whitespace-nowrap text-right' },
      cell: ({ row: { original: r } }) => (
        <>
          {a.confirming === r.id ? null : (
            <Button
              variant="ghost"
              className="py-1"
              aria-label={`Edit rule ${r.securityGroup ?? 'any group'}`}
              onClick={() => a.setEditing({ ...r, domain: r.domain ?? '', securityGroup: r.securityGroup ?? '', departmentId: r.departmentId ?? '', locationId: r.locationId ?? '', employeeRoleId: r.employeeRoleId ?? '' })}
            >
              Edit
            </Button>
          )}
          <ConfirmDelete
            asking={a.confirming === r.id}
            onAsk={() => a.setConfirming(r.id)}
            onCancel={() => a.setConfirming(null)}
            onConfirm={() => a.remove(r.id)}
            pending={a.pending}
            askLabel={`Delete rule ${r.securityGroup ?? 'any group'}`}
          />
        </>
      ),
    }),
  ]);
}

/** Mapping Rules: lowest order wins, a tie goes to the oldest rule. */
export function MappingRules({ rules, lookups, actions, variant = 'sso' }: { rules: RuleRow[]; lookups: Lookups; actions: Actions; variant?: RuleVariant }) {
  const [editing, setEditing] = useState<MappingRuleInput | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const remove = (id: string) =>
    start(async () => {
      const res = await actions.deleteRule({ id });
      setConfirming(null);
      setNotice(res.ok ? 'Rule deleted.' : res.error);
    });
  // The actions cell reads the confirm/pending state, so the columns follow it.
  const columns = useMemo(() => ruleColumns({ confirming, pending, setConfirming, setEditing, remove }, variant), [confirming, pending, variant]);
  return (
    <div className="space-y-4">
      <Notice message={notice} />
      {rules.length === 0 ? (
        <EmptyState title="No mapping rules yet">{VARIANT[variant].empty}</EmptyState>
      ) : (
        <DataTable label="Mapping Rules" columns={columns} data={rules} getRowId={(r) => r.id} />
      )}
      {editing ? (
        <RuleForm
          key={String(editing.id ?? 'new')}
          initial={editing}
          lookups={lookups}
          variant={variant}
          save={actions.saveRule}
          onDone={(message) => {
            setEditing(null);
            setNotice(message);
          }}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <Button variant="secondary" onClick={() => setEditing({ ...EMPTY, position: (rules.at(-1)?.position ?? 0) + 10 })}>
          Add rule
        </Button>
      )}
    </div>
  );
}

function RuleForm({ initial, lookups, variant, save, onDone, onCancel }: { initial: MappingRuleInput; lookups: Lookups; variant: RuleVariant; save: Actions['saveRule']; onDone: (m: string) => void; onCancel: () => void }) {
  const form = useForm<MappingRuleInput>({ resolver: zodResolver(VARIANT[variant].schema as typeof mappingRuleSchema, undefined, { raw: true }) as unknown as Resolver<MappingRuleInput>, defaultValues: initial });
  const [error, setError] = useState<string | null>(null);
  const err = form.formState.errors;
  const submit = async (values: MappingRuleInput) => {
    const res = await save(values);
    if (res.ok) return onDone(initial.id ? 'Rule saved.' : 'Rule added.');
    for (const [name, message] of Object.entries(res.fieldErrors ?? {})) form.setError(name as keyof MappingRuleInput, { message });
    setError(res.error);
  };
  const cls = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm';
  const select = (name: keyof Lookups, label: string, optional: boolean) => (
    <div>
      <label htmlFor={`rule-${name}`} className="mb-1 block text-sm font-medium text-ink">{label}</label>
      <select id={`rule-${name}`} className={cls} aria-invalid={err[name] ? true : undefined} {...form.register(name)}>
        <option value="">{optional ? 'Keep the default' : 'Choose…'}</option>
        {lookups[name].map((o) => (
          <option key={o.id} value={o.id}>{o.hint ? `${o.name} (${o.hint})` : o.name}</option>
        ))}
      </select>
      {err[name] ? <p className="mt-1 text-sm text-red-700">{err[name]?.message}</p> : null}
    </div>
  );
  const text = (name: 'domain' | 'securityGroup' | 'position', label: string, placeholder?: string) => (
    <div>
      <label htmlFor={`rule-${name}`} className="mb-1 block text-sm font-medium text-ink">{label}</label>
      <input id={`rule-${name}`} className={cls} placeholder={placeholder} aria-invalid={err[name] ? true : undefined} {...form.register(name)} />
      {err[name] ? <p className="mt-1 text-sm text-red-700">{err[name]?.message}</p> : null}
    </div>
  );
  return (
    <ClientForm onSubmit={form.handleSubmit(submit)} className="rounded-lg border border-slate-200 p-5" aria-label={initial.id ? 'Edit mapping rule' : 'Add mapping rule'}>
      <h3 className="mb-4 text-sm font-semibold text-ink">{initial.id ? 'Edit mapping rule' : 'Add mapping rule'}</h3>
      <div className="grid gap-4 sm:grid-cols-3">
        {text('domain', VARIANT[variant].domain, variant === 'azure' ? 'any connected tenant' : 'any')}
        {text('securityGroup', VARIANT[variant].group, variant === 'azure' ? '00000000-0000-0000-0000-000000000000' : 'any')}
        {text('position', 'Order (lowest wins)')}
        <div>
          <label htmlFor="rule-userType" className="mb-1 block text-sm font-medium text-ink">User type</label>
          <select id="rule-userType" className={cls} {...form.register('userType')}>
            <option value="employee">Employee</option>
            <option value="contact">Client portal contact</option>
          </select>
        </div>
        {select('securityRoleId', 'Security Role', false)}
        {select('departmentId', 'Department', true)}
        {select('locationId', 'Location', true)}
        {select('employeeRoleId', 'Employee Role', true)}
      </div>
      <div className="mt-4 flex items-center justify-between gap-4">
        <p className="text-sm text-red-700">{error}</p>
        <span className="flex gap-2">
          <Button type="button" variant="ghost" onClick={onCancel}>Cancel</Button>
          <Button type="submit" disabled={form.formState.isSubmitting}>Save rule</Button>
        </span>
      </div>
    </ClientForm>
  );
}
