import Link from 'next/link';
import type { ReactNode } from 'react';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A reference from the query string, shown only when it has the shape we issue. */
export function referenceFrom(ref: unknown): string | null {
  return typeof ref === 'string' && UUID.test(ref) ? ref : null;
}

/** The end-user page after a sign-in that did not work: what happened, what to do, a reference for the admin. */
export function AuthMessage({ kicker, title, body, children }: { kicker: string; title: string; body: string; children?: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <p className="text-sm font-semibold text-red-700">{kicker}</p>
        <h1 className="mt-2 text-xl font-semibold tracking-tight text-ink">{title}</h1>
        <p className="mt-3 text-sm text-ink-muted">{body}</p>
        {children}
        <Link href="/login" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:text-brand-700">
          Back to sign in
        </Link>
      </div>
    </main>
  );
}
