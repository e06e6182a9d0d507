'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, type ReactNode } from 'react';
import { useForm, type Resolver } from 'react-hook-form';
import { ClientForm } from '@/components/ui/client-form';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import type { ActionResult } from '@/lib/auth/action';
import { PERSON_LOOKUP_FIELDS, PHONE_TYPE_LABELS, PHONE_TYPES, personEditSchema, type PersonEditInput, type PersonLookupField } from '@/lib/people/schemas';
import type { Option } from '@/lib/settings/kaseyaone';

type Props = {
  /** The read-only details, shown until an admin edits them. */
  children: ReactNode;
  /** The lookup fields this person shows and edits (lookupsFor). */
  lookups: PersonLookupField[];
  /** Null for people who may only look (technicians). */
  edit: { values: PersonEditInput; options: Record<PersonLookupField, Option[]>; save: (input: unknown) => Promise<ActionResult<{ changed: string[] }>> } | null;
};

const TEXT: [keyof PersonEditInput, string, string?][] = [
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
  ['email', 'Email', 'email'],
  ['username', 'Username'],
  ['phone', 'Phone', 'tel'],
];

/** A person's details, and for admins an Edit details form in their place. */
export function PersonDetails({ children, lookups, edit }: Props) {
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <div>
      <div className="mb-4 flex items-center justify-between gap-4">
        <h2 className="text-sm font-semibold text-ink">Details</h2>
        {edit && !editing ? (
          <Button
            variant="secondary"
            className="py-1.5"
            onClick={() => {
              setNotice(null);
              setEditing(true);
            }}
          >
            Edit details
          </Button>
        ) : null}
      </div>
      <div className="mb-4 empty:hidden">
        <Notice message={notice} />
      </div>
      {edit && editing ? (
        <EditForm
          lookups={lookups}
          {...edit}
          onDone={(message) => {
            setEditing(false);
            setNotice(message);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        children
      )}
    </div>
  );
}

function EditForm({ lookups, values, options, save, onDone, onCancel }: NonNullable<Props['edit']> & { lookups: Props['lookups']; onDone: (m: string) => void; onCancel: () => void }) {
  const form = useForm<PersonEditInput>({ resolver: zodResolver(personEditSchema, undefined, { raw: true }) as unknown as Resolver<PersonEditInput>, defaultValues: values });
  const [error, setError] = useState<string | null>(null);
  const err = form.formState.errors;
  const submit = async (input: PersonEditInput) => {
    setError(null);
    const res = await save(input);
    if (res.ok) return onDone(res.data?.changed.length ? 'Details saved.' : 'Nothing changed.');
    for (const [name, message] of Object.entries(res.fieldErrors ?? {})) form.setError(name as keyof PersonEditInput, { message }, { shouldFocus: true });
    setError(res.error);
  };
  const cls = (bad: boolean) => `block w-full rounded-md border bg-white px-3 py-2 text-sm ${bad ? 'border-red-400' : 'border-slate-300'}`;
  const described = (name: string, bad: boolean) => ({ 'aria-invalid': bad ? true : undefined, 'aria-describedby': bad ? `pe-${name}-error` : undefined });
  const message = (name: keyof PersonEditInput) =>
    err[name] ? (
      <p id={`pe-${name}-error`} className="mt-1 text-sm text-red-700">
        {err[name]?.message}
      </p>
    ) : null;
  return (
    <ClientForm onSubmit={form.handleSubmit(submit)} aria-label="Edit details" className="space-y-5">
      <div className="grid gap-4 sm:grid-cols-2">
        {TEXT.map(([name, label, inputType]) => (
          <div key={name}>
            <label htmlFor={`pe-${name}`} className="mb-1 block text-sm font-medium text-ink">
              {label}
            </label>
            <input id={`pe-${name}`} type={inputType ?? 'text'} className={cls(Boolean(err[name]))} {...described(name, Boolean(err[name]))} {...form.register(name)} />
            {message(name)}
          </div>
        ))}
        <div>
          <label htmlFor="pe-phoneType" className="mb-1 block text-sm font-medium text-ink">
            Phone type
          </label>
          <select id="pe-phoneType" className={cls(Boolean(err.phoneType))} {...described('phoneType', Boolean(err.phoneType))} {...form.register('phoneType')}>
            <option value="">None</option>
            {PHONE_TYPES.map((t) => (
              <option key={t} value={t}>
                {PHONE_TYPE_LABELS[t]}
              </option>
            ))}
          </select>
          {message('phoneType')}
        </div>
      </div>
      <div className="grid gap-4 border-t border-slate-100 pt-5 sm:grid-cols-2">
        {lookups.map((name) => (
          <div key={name}>
            <label htmlFor={`pe-${name}`} className="mb-1 block text-sm font-medium text-ink">
              {PERSON_LOOKUP_FIELDS[name]}
            </label>
            <select id={`pe-${name}`} className={cls(Boolean(err[name]))} {...described(name, Boolean(err[name]))} {...form.register(name)}>
              <option value="">{name === 'securityRoleId' ? 'Choose…' : 'None'}</option>
              {options[name].map((o) => (
                <option key={o.id} value={o.id}>
                  {o.hint ? `${o.name} (${o.hint})` : o.name}
                </option>
              ))}
            </select>
            {message(name)}
          </div>
        ))}
      </div>
      <div className="flex items-center justify-between gap-4">
        <p role={error ? 'alert' : undefined} className="text-sm text-red-700">
          {error}
        </p>
        <span className="flex gap-2">
          <Button type="button" variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? 'Saving…' : 'Save details'}
          </Button>
        </span>
      </div>
    </ClientForm>
  );
}
