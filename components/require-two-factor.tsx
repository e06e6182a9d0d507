'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/action';

/** Auth & Provision › Sign-in security: the organization's two-factor requirement for administrators. */
export function RequireTwoFactor({ required, save }: { required: boolean; save: (input: unknown) => Promise<ActionResult> }) {
  const [value, setValue] = useState(required);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const router = useRouter();
  return (
    <div className="flex flex-wrap items-start gap-3">
      <input
        id="require-2fa"
        type="checkbox"
        role="switch"
        checked={value}
        onChange={(e) => setValue(e.target.checked)}
        aria-describedby="require-2fa-desc"
        className="mt-0.5 h-5 w-9 shrink-0 cursor-pointer appearance-none rounded-full bg-slate-300 transition-colors before:block before:h-4 before:w-4 before:translate-x-0.5 before:translate-y-0.5 before:rounded-full before:bg-white before:shadow before:transition-transform checked:bg-brand-600 checked:before:translate-x-[1.1rem]"
      />
      <div className="min-w-0 flex-1">
        <label htmlFor="require-2fa" className="text-sm font-medium text-ink">
          Require two-factor for administrators
        </label>
        <p id="require-2fa-desc" className="text-sm text-ink-muted">
          Administrators who sign in with a password and have not turned on two-factor authentication are sent to set it up, and can use nothing else until they have. Single sign-on leaves second factors to your identity provider.
        </p>
      </div>
      <Button
        type="button"
        variant="secondary"
        className="py-1"
        disabled={pending || value === required}
        onClick={() =>
          start(async () => {
            const res = await save({ required: value });
            setNotice(res.ok ? 'Sign-in security saved.' : res.error);
            if (res.ok) router.refresh();
          })
        }
      >
        Save sign-in security
      </Button>
      {notice ? (
        <p role="status" className="w-full text-sm text-emerald-700">
          {notice}
        </p>
      ) : null}
    </div>
  );
}
