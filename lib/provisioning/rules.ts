import type { MappingRule } from './types';

/**
 * The rule that decides a person's access: among the rules whose domain and security
 * group both match (null = any), the lowest order wins; on a tie the oldest rule wins.
 * Shared by SSO JIT (domain + group names) and Azure AD sync (tenant + group ids).
 */
export function matchRule<R extends MappingRule>(rules: readonly R[], domain: string | null, groups: readonly string[]): R | null {
  const d = domain?.trim().toLowerCase() ?? null;
  const g = new Set(groups.map((x) => x.trim().toLowerCase()));
  let best: R | null = null;
  for (const rule of rules) {
    if (rule.domain !== null && rule.domain.trim().toLowerCase() !== d) continue;
    if (rule.securityGroup !== null && !g.has(rule.securityGroup.trim().toLowerCase())) continue;
    if (!best || precedes(rule, best)) best = rule;
  }
  return best;
}

function precedes(a: MappingRule, b: MappingRule): boolean {
  if (a.position !== b.position) return a.position < b.position;
  const t = a.createdAt.getTime() - b.createdAt.getTime();
  if (t !== 0) return t < 0;
  return a.id < b.id; // same order, same instant: still one stable answer
}
