/** What a list shows while its rows load: the table's shape, pulsing, announced as loading. */
export function TableSkeleton({ label, rows = 6, columns = 5 }: { label: string; rows?: number; columns?: number }) {
  return (
    <div role="status" aria-label={label} aria-busy="true" className="animate-pulse">
      <div className="flex gap-6 border-b border-slate-200 bg-slate-50 px-4 py-3.5">
        {Array.from({ length: columns }, (_, i) => (
          <div key={i} className="h-2.5 flex-1 rounded bg-slate-200" />
        ))}
      </div>
      {Array.from({ length: rows }, (_, r) => (
        <div key={r} className="flex gap-6 border-b border-slate-100 px-4 py-4 last:border-0">
          {Array.from({ length: columns }, (_, i) => (
            <div key={i} className={`h-3 flex-1 rounded ${i === 0 ? 'bg-slate-200' : 'bg-slate-100'}`} />
          ))}
        </div>
      ))}
    </div>
  );
}
