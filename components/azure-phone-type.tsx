'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/action';

const TYPES = { office: 'Office', mobile: 'Mobile', home: 'Home', fax: 'Fax', other: 'Other' } as const;

/** The phone type a synced contact's Contact Phone Number gets. */
export function AzurePhoneType({ value, save }: { value: keyof typeof TYPES; save: (input: unknown) => Promise<ActionResult<{ message?: string }>> }) {
  const [current, setCurrent] = useState(value);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div>
        <label htmlFor="az-phone-type" className="mb-1 block text-sm font-medium text-ink">
          Contact phone type
        </label>
        <select id="az-phone-type" value={current} onChange={(e) => setCurrent(e.target.value as keyof typeof TYPES)} className="block w-48 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm">
          {Object.entries(TYPES).map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </div>
      <Button
        variant="secondary"
        disabled={pending || current === value}
        onClick={() =>
          start(async () => {
            const res = await save({ defaultPhoneType: current });
            setMessage(res.ok ? { ok: true, text: res.data?.message ?? 'Saved.' } : { ok: false, text: res.error });
          })
        }
      >
        Save
      </Button>
      {message ? (
        <span role={message.ok ? 'status' : 'alert'} className={`text-sm ${message.ok ? 'text-emerald-700' : 'text-red-700'}`}>
          {message.text}
        </span>
      ) : null}
    </div>
  );
}
