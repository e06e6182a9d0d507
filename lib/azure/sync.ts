import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import type { DirectoryContext } from '@/lib/provisioning/directory';
import { applyBatchRetrying, ensureJobTitles, loadDirectoryContext, type ApplyScope, type BatchRecord } from './apply';
import { GraphError, graphClientFor, ResyncRequiredError, type DirectoryUser, type GraphClient, type HttpFetch } from './graph';
import { deltaBatches, readMembership, type DeltaBatch } from './read';
import { applyStoredUsers, storedGroupKeys, storedUsers } from './reevaluate';
import { closeRun, failRun, openRun, RunEndedError, RunLedger, stallLimitMs, Watchdog, type Conn } from './run';

// One run of one Azure AD connection, started by the job queue (lib/azure/worker.ts), one
// at a time per connection. A Graph run reads the directory (read.ts), decides and writes
// each batch (apply.ts) together with the link to resume from, so a crash or kill resumes
// with nothing lost and nothing applied twice. A settings run decides the stored copy
// again without reading Graph (reevaluate.ts). Both end the same way (run.ts).

export { RECONNECT_DELAY_MS } from './run';

export type SyncOptions = {
  /** schedule | manual (Sync now) | resume | settings (re-evaluate the stored directory only). */
  trigger?: 'schedule' | 'manual' | 'resume' | 'settings';
  now?: () => Date;
  fetch?: HttpFetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called after each batch of pages is committed (tests use it to kill a run mid-way). */
  afterPage?: (batchNumber: number) => void | Promise<void>;
  /** Delta pages are applied in transactions of about this many users (default 2,000). */
  batchUsers?: number;
  /** A run with no sign of life for this long is stopped (default AZURE_SYNC_STALL_SECONDS). */
  stallMs?: number;
  /** Ends the run from outside (the job queue lost the job's claim). */
  signal?: AbortSignal;
};

export type SyncOutcome =
  | { status: 'skipped'; reason: 'missing' | 'paused' | 'waiting' | 'not_consented' | 'nothing_to_reevaluate' }
  | { status: 'succeeded' | 'awaiting_confirmation' | 'failed'; runId: string; error?: string };

export async function syncConnection(db: Db, connectionId: string, opts: SyncOptions = {}): Promise<SyncOutcome> {
  const now = opts.now ?? (() => new Date());
  const [conn] = await db.select().from(s.azureConnections).where(eq(s.azureConnections.id, connectionId));
  if (!conn) return { status: 'skipped', reason: 'missing' };
  if (conn.status === 'paused') return { status: 'skipped', reason: 'paused' };
  if (!conn.consentedAt) return { status: 'skipped', reason: 'not_consented' };
  const settingsOnly = opts.trigger === 'settings';
  // Another run already took the settings change in.
  if (settingsOnly && !conn.reevaluateRequestedAt) return { status: 'skipped', reason: 'nothing_to_reevaluate' };
  if (!settingsOnly && conn.reconnectAt && conn.reconnectAt > now()) return { status: 'skipped', reason: 'waiting' };

  const { runId, carried } = await openRun(db, conn, {
    trigger: opts.trigger ?? 'schedule',
    full: !settingsOnly && (conn.resumeLink === null || conn.inFullRound),
    note: conn.reevaluateRequestedAt ? (conn.reevaluateReason ?? 'A setting changed.') : null,
    at: now(),
  });
  const watchdog = new Watchdog(opts.stallMs ?? stallLimitMs(), () => db.update(s.azureSyncRuns).set({ progressAt: new Date() }).where(eq(s.azureSyncRuns.id, runId)));
  const onOutsideAbort = () => watchdog.controller.abort(new GraphError('The job queue gave this run up (its worker stopped answering); the next sync starts on schedule.', 0, 'job_lost'));
  opts.signal?.addEventListener('abort', onOutsideAbort, { once: true });
  const ledger = new RunLedger(runId, carried);
  try {
    const ctx = await loadDirectoryContext(db, conn);
    const graph = graphClientFor(conn, { fetch: opts.fetch, sleep: opts.sleep, now: () => now().getTime(), signal: watchdog.signal, onActivity: watchdog.touch, maxRetryWaitMs: watchdog.stallMs / 2 });
    const work = settingsOnly ? reevaluateOnly(db, conn, ctx, ledger, graph, now, watchdog) : new GraphRun(db, conn, ctx, ledger, graph, now, watchdog, opts).execute();
    work.catch(() => {}); // a run the watchdog ended may still settle later
    const status = await Promise.race([work, watchdog.stalled, abortedBy(watchdog.signal)]);
    return { status, runId };
  } catch (err) {
    const ended = watchdog.signal.aborted ? watchdog.signal.reason : err;
    const message = ended instanceof GraphError ? ended.message : 'The sync failed unexpectedly; see the server log.';
    if (!(ended instanceof GraphError) && !(ended instanceof RunEndedError)) console.error('azure sync failed', { connectionId, runId, err: ended });
    await failRun(db, conn, runId, message, now());
    return { status: 'failed', runId, error: message };
  } finally {
    watchdog.stop();
    opts.signal?.removeEventListener('abort', onOutsideAbort);
  }
}

function abortedBy(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** The groups the connection's Mapping Rules name (lower-cased, sorted). */
function ruleGroups(ctx: DirectoryContext): string[] {
  return [...new Set(ctx.rules.map((r) => r.securityGroup?.toLowerCase()).filter((g): g is string => !!g))].sort();
}

/**
 * A settings run: every stored user of the connection decided again with the settings as
 * they are now, from the stored copy. Users/delta is not read. Only a group a new rule
 * names, whose members no run has read yet, is read from Graph (its members alone): the
 * stored copy cannot know them.
 */
async function reevaluateOnly(db: Db, conn: Conn, ctx: DirectoryContext, ledger: RunLedger, graph: GraphClient, now: () => Date, watchdog: Watchdog) {
  const scope = (): ApplyScope => ({ conn, ctx, runId: ledger.runId, now: now(), generation: conn.fullRoundGeneration, held: ledger.pending });
  const known = new Set(conn.membershipGroups ?? []);
  const unread = ruleGroups(ctx).filter((g) => !known.has(g));
  const added = unread.length ? await readMembership(graph, ctx.rules.filter((r) => r.securityGroup && unread.includes(r.securityGroup.toLowerCase()))) : new Map<string, string[]>();
  for await (const page of storedUsers(db, conn.id)) {
    const users = page.map((u) => {
      const more = added.get(u.objectId);
      return { ...u, groups: more ? [...new Set([...u.storedGroups, ...more])].sort() : u.storedGroups };
    });
    await applyStoredUsers(db, scope(), ledger, users);
    watchdog.touch();
  }
  return closeRun(db, conn, ledger, {
    at: now(),
    graph: null,
    reevaluated: conn.reevaluateRequestedAt,
    ...(conn.membershipGroups !== null || unread.length ? { connection: { membershipGroups: [...new Set([...known, ...unread])].sort() } } : {}),
  });
}

type Batch = DeltaBatch & {
  ids: Set<string>;
  /** Applied while the batch before it was still in flight. */
  alongside: boolean;
  committed: boolean;
  /** Settles once this batch's transaction holds its advisory lock (or has failed before). */
  locked: Promise<void>;
  done: Promise<void>;
};

class GraphRun {
  private seen = new Set<string>();
  private membership = new Map<string, string[]>();
  private generation: number;
  private full: boolean;
  private startedAt: number;
  private inflight: Batch | null = null;

  constructor(
    private db: Db,
    private conn: Conn,
    private ctx: DirectoryContext,
    private ledger: RunLedger,
    private graph: GraphClient,
    private now: () => Date,
    private watchdog: Watchdog,
    private opts: SyncOptions,
  ) {
    this.full = conn.resumeLink === null || conn.inFullRound;
    this.generation = conn.fullRoundGeneration;
    this.startedAt = now().getTime();
  }

  private scope(): ApplyScope {
    return { conn: this.conn, ctx: this.ctx, runId: this.ledger.runId, now: this.now(), generation: this.generation, held: this.ledger.pending };
  }

  async execute(): Promise<'succeeded' | 'awaiting_confirmation'> {
    let link = this.conn.resumeLink;
    if (link === null) await this.startFullRound();
    // The first page is read while the group memberships load.
    let first: ReturnType<GraphClient['deltaPage']> | undefined = this.graph.deltaPage(link);
    first.catch(() => {}); // awaited (and rethrown) by deltaBatches
    this.membership = await readMembership(this.graph, this.ctx.rules);
    try {
      for (let resyncs = 0; ; ) {
        try {
          for await (const batch of deltaBatches(this.graph, link, this.opts.batchUsers ?? 2000, first)) await this.submit(batch);
          break;
        } catch (err) {
          if (!(err instanceof ResyncRequiredError) || resyncs++ > 0) throw err;
          // A batch still in flight must not store its resume link after the round restarts.
          await this.drain();
          await this.startFullRound();
          link = null;
          first = undefined;
        }
      }
      await this.drain();
    } finally {
      // On a failed page read, the batch still in flight settles before the run is marked failed.
      await this.inflight?.done.catch(() => {});
    }
    await this.membershipPass();
    return closeRun(this.db, this.conn, this.ledger, {
      at: this.now(),
      graph: { nextSyncAt: this.nextSyncAt() },
      reevaluated: this.conn.reevaluateRequestedAt,
      connection: { membershipGroups: ruleGroups(this.ctx) },
    });
  }

  /**
   * Batches are applied two at a time, on two connections: while one commits, the next
   * is decided and written. Each waits for the one before to commit before it stores its
   * resume link and commits, so the stored link never gets ahead of an applied change.
   * That wait happens inside PostgreSQL (on the earlier batch's advisory lock), so if the
   * earlier batch in turn waits for a row the later one locked, PostgreSQL sees the cycle
   * and rolls one back. A batch that shares a user with the one in flight waits for it
   * instead. Batches that fail alongside another are applied again, one after the other.
   */
  private async submit(batch: DeltaBatch): Promise<void> {
    if (this.inflight && batch.users.some((u) => this.inflight!.ids.has(u.id))) await this.drain();
    const previous = this.inflight;
    const next: Batch = { ...batch, ids: new Set(batch.users.map((u) => u.id)), alongside: previous !== null, committed: false, locked: Promise.resolve(), done: Promise.resolve() };
    next.done = this.applyPage(next, previous);
    next.done.catch(() => {}); // awaited in settle()
    this.inflight = next;
    if (!previous) return;
    const [before] = await Promise.allSettled([previous.done]);
    if (before.status === 'rejected') await this.settle([previous, next], true);
  }

  /** Waits for the batch in flight. */
  private async drain() {
    if (this.inflight) await this.settle([this.inflight], this.inflight.alongside);
  }

  /**
   * Waits for these batches. If one failed while another was in flight, those not
   * committed are applied again on their own, in order; otherwise its error stands
   * (it already had its retries).
   */
  private async settle(batches: Batch[], together: boolean) {
    const results = await Promise.allSettled(batches.map((b) => b.done));
    this.inflight = null;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) return;
    // A batch that committed and then failed (its afterPage hook) is not applied again: its error stands.
    const afterCommit = results.find((r, i): r is PromiseRejectedResult => r.status === 'rejected' && batches[i]!.committed);
    if (afterCommit) throw afterCommit.reason;
    if (!together || failed.reason instanceof RunEndedError || this.watchdog.signal.aborted) throw failed.reason;
    for (const b of batches) if (!b.committed) await this.applyPage(b, null);
  }

  private async startFullRound() {
    this.full = true;
    this.generation += 1;
    await this.db
      .update(s.azureConnections)
      .set({ resumeLink: null, inFullRound: true, fullRoundGeneration: this.generation })
      .where(eq(s.azureConnections.id, this.conn.id));
    await this.db.update(s.azureSyncRuns).set({ full: true }).where(eq(s.azureSyncRuns.id, this.ledger.runId));
  }

  private toRecord(u: DirectoryUser): BatchRecord {
    return { objectId: u.id, data: u.data, removed: u.removed !== null, groups: this.membership.get(u.id) ?? [] };
  }

  /**
   * One batch of delta pages: decisions, writes and the resume link, in one transaction.
   * `previous` is the batch applied alongside: this one commits only after it.
   */
  private async applyPage(batch: Batch, previous: Batch | null) {
    // The same user can repeat within a batch; the last state wins.
    const byId = new Map<string, BatchRecord>();
    for (const u of batch.users) byId.set(u.id, this.toRecord(u));
    const records = [...byId.values()];
    let locked!: (failed?: unknown) => void;
    batch.locked = new Promise<void>((resolve, reject) => (locked = (failed) => (failed ? reject(failed) : resolve())));
    batch.locked.catch(() => {}); // awaited by the next batch
    let outcome;
    try {
      await ensureJobTitles(this.db, this.ctx, records);
      outcome = await this.db.transaction(async (tx) => {
        // Safe without waiting for the WAL flush: if PostgreSQL itself crashed and lost this
        // commit, it lost the resume link with it, and the next run fetches the same pages again.
        await tx.execute(sql`set local synchronous_commit = off`);
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${this.ledger.runId}), ${batch.number})`);
        locked();
        const outcome = await applyBatchRetrying(tx, this.scope(), records, { storeData: true });
        if (previous) {
          await previous.locked;
          await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${this.ledger.runId}), ${previous.number})`);
          await previous.done;
        }
        const set: Partial<Conn> = { resumeLink: batch.resumeLink, updatedAt: this.now() };
        if (batch.endOfRound && this.full) {
          outcome.held.push(...(await this.reconcile(tx)));
          set.inFullRound = false;
        }
        await tx.update(s.azureConnections).set(set).where(eq(s.azureConnections.id, this.conn.id));
        await this.ledger.save(tx, outcome, batch.users.length, this.now());
        return outcome;
      });
    } catch (err) {
      locked(err ?? new Error('batch failed'));
      throw err;
    }
    batch.committed = true;
    this.watchdog.touch();
    this.ledger.absorb(outcome, batch.users.length);
    for (const r of records) this.seen.add(r.objectId);
    await this.opts.afterPage?.(batch.number);
  }

  /** End of a full round: linked users Azure AD no longer returned are treated as removed. */
  private async reconcile(tx: Parameters<Parameters<Db['transaction']>[0]>[0]) {
    const gone = await tx
      .update(s.azureDirectoryUsers)
      .set({ removed: true, updatedAt: this.now() })
      .where(sql`${s.azureDirectoryUsers.connectionId} = ${this.conn.id} and ${s.azureDirectoryUsers.removed} = false and ${s.azureDirectoryUsers.seenGeneration} < ${this.generation}`)
      .returning({ objectId: s.azureDirectoryUsers.objectId, personId: s.azureDirectoryUsers.personId });
    return gone
      .filter((g) => g.personId && g.personId !== this.ctx.rootPersonId)
      .map((g) => ({ personId: g.personId!, objectId: g.objectId, reason: 'azure_removed', detail: 'Not in Azure AD any more (found by a full resync).' }));
  }

  /**
   * Users this run did not read from Graph: those whose mapped groups changed are decided
   * again from their stored copy (only what the rules set can change). After a settings
   * change, every one of them is.
   */
  private async membershipPass() {
    if (this.conn.reevaluateRequestedAt !== null) {
      for await (const page of storedUsers(this.db, this.conn.id)) {
        await applyStoredUsers(this.db, this.scope(), this.ledger, page.filter((u) => !this.seen.has(u.objectId)).map((u) => ({ ...u, groups: this.membership.get(u.objectId) ?? [] })));
        this.watchdog.touch();
      }
      return;
    }
    const changed = [];
    for (const u of await storedGroupKeys(this.db, this.conn.id)) {
      if (this.seen.has(u.objectId)) continue;
      const groups = this.membership.get(u.objectId) ?? [];
      if (groups.join(',') !== u.groupsKey) changed.push({ objectId: u.objectId, personId: u.personId, storedGroups: u.groupsKey ? u.groupsKey.split(',') : [], groups });
    }
    for (let i = 0; i < changed.length; i += 2000) {
      this.watchdog.touch();
      await applyStoredUsers(this.db, this.scope(), this.ledger, changed.slice(i, i + 2000));
    }
  }

  /**
   * When the next run starts: one interval after this one started, less this run's
   * duration, so that the moments Graph is read stay one interval apart and a change
   * waits at most about one interval however long a run takes (never sooner than now).
   */
  private nextSyncAt(): Date {
    const now = this.now().getTime();
    const duration = now - this.startedAt;
    return new Date(Math.max(this.startedAt + this.conn.intervalSeconds * 1000 - duration, now));
  }
}
