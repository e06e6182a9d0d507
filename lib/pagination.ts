import { z } from 'zod';

// One pagination contract for every table: { page, pageSize ≤ 100, sort, filters } in the
// URL; { rows, total } back.

export const pageParamsSchema = z.object({
  page: z.coerce.number().int().min(1).catch(1),
  pageSize: z.coerce.number().int().min(1).max(100).catch(25),
  sort: z.string().max(50).optional().catch(undefined),
});
export type PageParams = z.infer<typeof pageParamsSchema>;
export type Page<T> = { rows: T[]; total: number; page: number; pageSize: number };

type Search = Record<string, string | string[] | undefined>;

/** The first value of each search param, as the URL gave it. */
export function flatParams(search: Search): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(search)) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}

export function pageCount(p: { total: number; pageSize: number }) {
  return Math.max(1, Math.ceil(p.total / p.pageSize));
}
