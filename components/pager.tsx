import Link from 'next/link';
import { pageCount } from '@/lib/pagination';

/** Previous/next links that keep every other search param (the one pagination contract). */
export function Pager({ page, pageSize, total, params, basePath }: { page: number; pageSize: number; total: number; params: Record<string, string | undefined>; basePath: string }) {
  const pages = pageCount({ total, pageSize });
  const href = (p: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...params, page: String(p) })) if (v) q.set(k, v);
    return `${basePath}?${q}`;
  };
  return (
    <nav aria-label="Pagination" className="flex items-center justify-between border-t border-slate-200 px-4 py-3 text-sm text-ink-muted">
      <span>
        {total === 0 ? 'No results' : `${(page - 1) * pageSize + 1}–${Math.min(page * pageSize, total)} of ${total}`}
      </span>
      <span className="flex gap-2">
        {page > 1 ? (
          <Link href={href(page - 1)} className="rounded-md border border-slate-300 bg-white px-3 py-1 text-ink hover:bg-slate-50">
            Previous
          </Link>
        ) : null}
        {page < pages ? (
          <Link href={href(page + 1)} className="rounded-md border border-slate-300 bg-white px-3 py-1 text-ink hover:bg-slate-50">
            Next
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
