import type { ReactNode } from 'react';

/** The page heading every console page opens with: breadcrumb trail, title, one-line purpose. */
export function PageHeader({ trail, title, description, meta, actions }: { trail?: string[]; title: string; description?: string; meta?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="mb-6 flex flex-wrap items-end justify-between gap-4 border-b border-slate-200 pb-5">
      <div>
        {trail?.length ? (
          <p className="mb-1 text-xs font-medium text-ink-subtle" aria-label="Breadcrumb">
            {trail.join(' › ')}
          </p>
        ) : null}
        <h1 className="text-2xl font-semibold tracking-tight text-ink">{title}</h1>
        {description ? <p className="mt-1 max-w-2xl text-sm text-ink-muted">{description}</p> : null}
        {meta ? <div className="mt-2 flex flex-wrap items-center gap-2">{meta}</div> : null}
      </div>
      {actions}
    </header>
  );
}

export function Card({ children, className = '' }: { children: ReactNode; className?: string }) {
  return <section className={`rounded-xl border border-slate-200 bg-white shadow-sm ${className}`}>{children}</section>;
}

/** What a page that a later release fills will hold, said plainly. */
export function ComingSoon({ title, points }: { title: string; points: string[] }) {
  return (
    <Card className="p-6">
      <h2 className="text-base font-semibold text-ink">{title}</h2>
      <ul className="mt-3 list-disc space-y-1 pl-5 text-sm text-ink-muted">
        {points.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </Card>
  );
}

export function Badge({ tone = 'slate', children }: { tone?: 'slate' | 'green' | 'amber' | 'red' | 'blue'; children: ReactNode }) {
  const tones = {
    slate: 'bg-slate-100 text-slate-700',
    green: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
    amber: 'bg-amber-50 text-amber-800 ring-amber-600/20',
    red: 'bg-red-50 text-red-700 ring-red-600/20',
    blue: 'bg-brand-50 text-brand-700 ring-brand-600/20',
  } as const;
  return <span className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ring-slate-500/10 ${tones[tone]}`}>{children}</span>;
}
