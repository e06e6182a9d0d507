'use client';

import { useSyncExternalStore, type FormHTMLAttributes } from 'react';
import { z } from 'zod';

// In the browser, zod must not probe for eval (`new Function`) to compile fast parsers: the
// page's CSP forbids it, and even the caught attempt is reported as a violation.
if (typeof window !== 'undefined') z.config({ jitless: true });

const noSubscription = () => () => {};

/** False while this part of the page is still the server's HTML, true once React has hydrated it. */
export function useHydrated(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}

/**
 * A form that React handles (react-hook-form + a server action). Its controls stay disabled until the
 * page has hydrated: a Save clicked earlier would make the browser submit the form itself (a GET with
 * the values in the URL and no confirmation), and a switch flipped earlier could be reset by hydration.
 * `className` lays out the controls; `aria-label` names the form.
 */
export function ClientForm({ children, className = '', ...props }: FormHTMLAttributes<HTMLFormElement>) {
  const hydrated = useHydrated();
  return (
    <form noValidate {...props}>
      <fieldset disabled={!hydrated} className={`min-w-0 ${className}`}>
        {children}
      </fieldset>
    </form>
  );
}
