import type { MappingRule } from '@/lib/provisioning/types';
import type { DeltaPage, DirectoryUser, GraphClient } from './graph';

// Reading the directory from Microsoft Graph: the mapped groups' (transitive) members, and
// users/delta in batches of pages, the next page always in flight while the caller
// applies the one before. Nothing here writes.

const MEMBERSHIP_CONCURRENCY = 4;

/** Object id → the mapped groups (lower-cased object ids, sorted) the user is a transitive member of. */
export async function readMembership(graph: GraphClient, rules: readonly MappingRule[]): Promise<Map<string, string[]>> {
  const membership = new Map<string, string[]>();
  const groups = [...new Set(rules.map((r) => r.securityGroup).filter((g): g is string => g !== null))];
  // A few groups at a time: Graph answers in parallel, and 429s are waited out per request.
  for (let i = 0; i < groups.length; i += MEMBERSHIP_CONCURRENCY) {
    const chunk = groups.slice(i, i + MEMBERSHIP_CONCURRENCY);
    const members = await Promise.all(chunk.map((g) => graph.transitiveUserIds(g)));
    chunk.forEach((group, k) => {
      for (const userId of members[k]!) {
        const list = membership.get(userId);
        if (list) list.push(group.toLowerCase());
        else membership.set(userId, [group.toLowerCase()]);
      }
    });
  }
  for (const list of membership.values()) list.sort();
  return membership;
}

/** Users of one or more delta pages, and the link a run resumes from once they are applied. */
export type DeltaBatch = { number: number; users: DirectoryUser[]; resumeLink: string; endOfRound: boolean };

/**
 * users/delta from `link` (null: a full round from the start) to the end of the round, in
 * batches of about `batchUsers` users. The next page is requested before a batch is handed
 * out, so Graph and the caller work at the same time. A ResyncRequiredError from Graph is
 * thrown to the caller, which starts a new round.
 */
export async function* deltaBatches(graph: GraphClient, link: string | null, batchUsers: number, first?: Promise<DeltaPage>): AsyncGenerator<DeltaBatch> {
  let next: Promise<DeltaPage> | null = first ?? graph.deltaPage(link);
  let buffered: DirectoryUser[] = [];
  try {
    for (let page = 1; next; page++) {
      const result: DeltaPage = await next;
      next = result.nextLink ? graph.deltaPage(result.nextLink) : null;
      next?.catch(() => {}); // awaited (and rethrown) on the next turn
      buffered.push(...result.users);
      if (result.nextLink && buffered.length < batchUsers) continue;
      const batch: DeltaBatch = { number: page, users: buffered, resumeLink: result.nextLink ?? result.deltaLink!, endOfRound: result.deltaLink !== null };
      buffered = [];
      yield batch;
    }
  } finally {
    // A caller that stops early leaves no rejection unhandled.
    next?.catch(() => {});
  }
}
