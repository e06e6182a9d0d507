import type { MappingRule } from './types';

/**
 * The rule that decides a person's access: among the rules whose domain and security
 * group both match (null = any), the lowest order wins; on a tie the oldest rule wins.
 * Shared by SSO JIT (domain + group names) and Azure AD sync (tenant + group ids).
 */
export function matchRule<R extends MappingRule>(rules: readonly R[], domain: string | null, groups: readonly string[]): R | null {
  return ruleMatcher(rules)(domain, groups);
}

/**
 * matchRule() prepared once for many calls (a directory sync decides thousands of users
 * against the same rules): rules normalized, ranked by precedence and indexed by group.
 */
export function ruleMatcher<R extends MappingRule>(rules: readonly R[]): (domain: string | null, groups: readonly string[]) => R | null {
  const ranked = [...rules].sort((a, b) => (precedes(a, b) ? -1 : precedes(b, a) ? 1 : 0)).map((rule, rank) => ({ rule, rank, domain: norm(rule.domain) }));
  const anyGroup = ranked.filter((r) => r.rule.securityGroup === null);
  const byGroup = new Map<string, typeof ranked>();
  for (const r of ranked) {
    if (r.rule.securityGroup === null) continue;
    const key = norm(r.rule.securityGroup)!;
    byGroup.set(key, [...(byGroup.get(key) ?? []), r]);
  }
  return (domain, groups) => {
    const d = norm(domain);
    let best: (typeof ranked)[number] | null = null;
    const consider = (list: typeof ranked | undefined) => {
      // Each list is in precedence order: its first domain match is its best.
      for (const r of list ?? []) {
        if (best && r.rank > best.rank) return;
        if (r.domain !== null && r.domain !== d) continue;
        best = r;
        return;
      }
    };
    consider(anyGroup);
    for (const g of groups) consider(byGroup.get(norm(g)!));
    return (best as (typeof ranked)[number] | null)?.rule ?? null;
  };
}

function norm(v: string | null): string | null {
  return v === null ? null : v.trim().toLowerCase();
}

function precedes(a: MappingRule, b: MappingRule): boolean {
  if (a.position !== b.position) return a.position < b.position;
  const t = a.createdAt.getTime() - b.createdAt.getTime();
  if (t !== 0) return t < 0;
  return a.id < b.id; // same order, same instant: still one stable answer
}
