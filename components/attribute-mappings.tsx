'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useTransition } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { ClientForm } from '@/components/ui/client-form';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import type { ActionResult } from '@/lib/auth/action';
import type { MappingRow } from '@/lib/settings/attribute-mappings';
import { attributeMappingSchema, MAPPABLE_FIELD_LABELS, type AttributeMappingInput } from '@/lib/settings/schemas';

type Actions = { save: (i: unknown) => Promise<ActionResult>; remove: (i: unknown) => Promise<ActionResult> };

/** Attribute mapping ("SAML field name converters"): assertion attribute → person field, with a default and when it applies. */
export function AttributeMappings({ mappings, actions }: { mappings: MappingRow[]; actions: Actions }) {
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const form = useForm<AttributeMappingInput>({
    resolver: zodResolver(attributeMappingSchema, undefined, { raw: true }) as unknown as Resolver<AttributeMappingInput>,
    defaultValues: { attributeName: '', personField: 'departmentId', defaultValue: '', applyOn: 'every_login' },
  });
  const err = form.formState.errors;
  const submit = async (values: AttributeMappingInput) => {
    const res = await actions.save(values);
    if (res.ok) {
      form.reset();
      setNotice('Attribute mapping saved.');
      return;
    }
    for (const [name, message] of Object.entries(res.fieldErrors ?? {})) form.setError(name as keyof AttributeMappingInput, { message });
  };
  const cls = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm';
  return (
    <div className="space-y-4">
      <Notice message={notice} />
      {mappings.length === 0 ? (
        <p className="text-sm text-ink-muted">No attribute mappings: people get their names and email from the IdP, and everything else from the rules and Employee Defaults.</p>
      ) : (
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Attribute mappings">
          <thead className="text-left text-xs font-semibold uppercase tracking-wide text-ink-muted">
            <tr>
              <th className="py-2 pr-3">Assertion attribute</th>
              <th className="py-2 pr-3">Person field</th>
              <th className="py-2 pr-3">Default value</th>
              <th className="py-2 pr-3">Applies</th>
              <th className="py-2" />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {mappings.map((m) => (
              <tr key={m.id}>
                <td className="break-all py-2 pr-3 font-mono text-xs">{m.attributeName}</td>
                <td className="py-2 pr-3">{MAPPABLE_FIELD_LABELS[m.personField as keyof typeof MAPPABLE_FIELD_LABELS] ?? m.personField}</td>
                <td className="py-2 pr-3">{m.defaultValue ?? <span className="text-ink-subtle">none</span>}</td>
                <td className="py-2 pr-3">{m.applyOn === 'create' ? 'On create only' : 'On every login'}</td>
                <td className="py-2 text-right">
                  <Button
                    variant="ghost"
                    className="py-1"
                    disabled={pending}
                    aria-label={`Delete the mapping for ${MAPPABLE_FIELD_LABELS[m.personField as keyof typeof MAPPABLE_FIELD_LABELS] ?? m.personField}`}
                    onClick={() => start(async () => setNotice((await actions.remove({ id: m.id })).ok ? 'Attribute mapping deleted.' : 'That mapping no longer exists.'))}
                  >
                    Delete
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ClientForm onSubmit={form.handleSubmit(submit)} aria-label="Add attribute mapping" className="grid items-end gap-3 rounded-lg border border-slate-200 p-4 sm:grid-cols-5">
        <div className="sm:col-span-2">
          <label htmlFor="am-attr" className="mb-1 block text-sm font-medium text-ink">Assertion attribute</label>
          <input id="am-attr" className={cls} placeholder="department or http://schemas…/claims/department" aria-invalid={err.attributeName ? true : undefined} {...form.register('attributeName')} />
          {err.attributeName ? <p className="mt-1 text-sm text-red-700">{err.attributeName.message}</p> : null}
        </div>
        <div>
          <label htmlFor="am-field" className="mb-1 block text-sm font-medium text-ink">Person field</label>
          <select id="am-field" className={cls} {...form.register('personField')}>
            {Object.entries(MAPPABLE_FIELD_LABELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="am-default" className="mb-1 block text-sm font-medium text-ink">Default value</label>
          <input id="am-default" className={cls} placeholder="when missing" aria-invalid={err.defaultValue ? true : undefined} {...form.register('defaultValue')} />
          {err.defaultValue ? <p className="mt-1 text-sm text-red-700">{err.defaultValue.message}</p> : null}
        </div>
        <div>
          <label htmlFor="am-apply" className="mb-1 block text-sm font-medium text-ink">Applies</label>
          <select id="am-apply" className={cls} {...form.register('applyOn')}>
            <option value="every_login">On every login</option>
            <option value="create">On create only</option>
          </select>
        </div>
        <div className="sm:col-span-5 flex justify-end">
          <Button type="submit" disabled={form.formState.isSubmitting}>Save mapping</Button>
        </div>
      </ClientForm>
    </div>
  );
}
