import type { ReactNode } from 'react';

/** The sign-in pages' frame: the mark, a title and a line under it, then the card. */
export function SignInCard({ title, subtitle, subtitleTestId, children }: { title: string; subtitle: ReactNode; subtitleTestId?: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div className="mx-auto mb-4 flex h-11 w-11 items-center justify-center rounded-xl bg-brand-600 text-lg font-semibold text-white" aria-hidden>
            A
          </div>
          <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
          <p className="mt-1 text-sm text-ink-muted" data-testid={subtitleTestId}>
            {subtitle}
          </p>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">{children}</div>
      </div>
    </main>
  );
}
