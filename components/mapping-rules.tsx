'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useTransition } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import type { ActionResult } from '@/lib/auth/action';
import type { Option } from '@/lib/settings/kaseyaone';
import type { RuleRow } from '@/lib/settings/mapping-rules';
import { mappingRuleSchema, type MappingRuleInput } from '@/lib/settings/schemas';

type Lookups = { securityRoleId: Option[]; departmentId: Option[]; locationId: Option[]; employeeRoleId: Option[] };
type Actions = { saveMethod: (i: unknown) => Promise<ActionResult>; saveRule: (i: unknown) => Promise<ActionResult>; deleteRule: (i: unknown) => Promise<ActionResult> };

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

/** Mapping Rules: lowest order wins, a tie goes to the oldest rule. */
export function MappingRules({ rules, lookups, actions }: { rules: RuleRow[]; lookups: Lookups; actions: Actions }) {
  const [editing, setEditing] = useState<MappingRuleInput | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-4">
      <Notice message={notice} />
      {rules.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 px-6 py-8 text-center">
          <p className="text-sm font-medium text-ink">No mapping rules yet</p>
          <p className="mt-1 text-sm text-ink-muted">Without a rule nobody is provisioned by SSO JIT (your root user can always sign in). Add one per security group.</p>
        </div>
      ) : (
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Mapping Rules">
          <thead className="text-left text-xs font-semibold uppercase tracking-wide text-ink-muted">
            <tr>
              <th className="py-2 pr-3">Order</th>
              <th className="py-2 pr-3">Domain</th>
              <th className="py-2 pr-3">Security group</th>
              <th className="py-2 pr-3">User type</th>
              <th className="py-2 pr-3">Security Role</th>
              <th className="py-2 pr-3">Also sets</th>
              <th className="py-2 pr-3">Created</th>
              <th className="py-2" />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rules.map((r) => (
              <tr key={r.id}>
                <td className="py-2 pr-3 font-mono">{r.position}</td>
                <td className="py-2 pr-3">{r.domain ?? <span className="text-ink-subtle">any</span>}</td>
                <td className="py-2 pr-3">{r.securityGroup ?? <span className="text-ink-subtle">any</span>}</td>
                <td className="py-2 pr-3">{r.userType === 'employee' ? 'Employee' : 'Client portal contact'}</td>
                <td className="py-2 pr-3 font-medium">{r.roleName}</td>
                <td className="py-2 pr-3 text-xs text-ink-muted">{[r.departmentName, r.locationName, r.employeeRoleName].filter(Boolean).join(' · ') || '—'}</td>
                <td className="whitespace-nowrap py-2 pr-3 text-xs text-ink-muted">{new Date(r.createdAt).toISOString().slice(0, 10)}</td>
                <td className="whitespace-nowrap py-2 text-right">
                  {confirming === r.id ? (
                    <>
                      <Button
                        className="bg-red-600 py-1 hover:bg-red-700"
                        disabled={pending}
                        onClick={() =>
                          start(async () => {
                            const res = await actions.deleteRule({ id: r.id });
                            setConfirming(null);
                            setNotice(res.ok ? 'Rule deleted.' : res.error);
                          })
                        }
                      >
                        Confirm delete
                      </Button>
                      <Button variant="ghost" className="py-1" onClick={() => setConfirming(null)}>
                        Cancel
                      </Button>
                    </>
                  ) : (
                    <>
                      <Button variant="ghost" className="py-1" aria-label={`Edit rule ${r.securityGroup ?? 'any group'}`} onClick={() => setEditing({ ...r, domain: r.domain ?? '', securityGroup: r.securityGroup ?? '', departmentId: r.departmentId ?? '', locationId: r.locationId ?? '', employeeRoleId: r.employeeRoleId ?? '' })}>
                        Edit
                      </Button>
                      <Button variant="ghost" className="py-1" aria-label={`Delete rule ${r.securityGroup ?? 'any group'}`} onClick={() => setConfirming(r.id)}>
                        Delete
                      </Button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? (
        <RuleForm
          key={String(editing.id ?? 'new')}
          initial={editing}
          lookups={lookups}
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

function RuleForm({ initial, lookups, save, onDone, onCancel }: { initial: MappingRuleInput; lookups: Lookups; save: Actions['saveRule']; onDone: (m: string) => void; onCancel: () => void }) {
  const form = useForm<MappingRuleInput>({ resolver: zodResolver(mappingRuleSchema, undefined, { raw: true }) as unknown as Resolver<MappingRuleInput>, defaultValues: initial });
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
    <form onSubmit={form.handleSubmit(submit)} noValidate className="rounded-lg border border-slate-200 p-5" aria-label={initial.id ? 'Edit mapping rule' : 'Add mapping rule'}>
      <h3 className="mb-4 text-sm font-semibold text-ink">{initial.id ? 'Edit mapping rule' : 'Add mapping rule'}</h3>
      <div className="grid gap-4 sm:grid-cols-3">
        {text('domain', 'Domain', 'any')}
        {text('securityGroup', 'Security group', 'any')}
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
    </form>
  );
}
