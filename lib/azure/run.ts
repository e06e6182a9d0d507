import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { getEnv } from '@/lib/env';
import { GraphError } from './graph';

// The life of one sync run, whatever it reads: the row in Sync runs, its counters and
// held-back deactivations, the watchdog that ends a run that stopped making progress,
// the mass-deactivation guard at the end, and the failure bookkeeping.

export const RECONNECT_DELAY_MS = 120_000;

export type Conn = typeof s.azureConnections.$inferSelect;
export type Pending = { personId: string; objectId: string; reason: string; detail?: string; cancel?: boolean };
export type Counters = { read: number; created: number; updated: number; deactivated: number; archived: number; skipped: number; errors: number };
export const emptyCounters = (): Counters => ({ read: 0, created: 0, updated: 0, deactivated: 0, archived: 0, skipped: 0, errors: 0 });
/** What applying a batch adds to the run, taken in once its transaction has committed. */
export type BatchOutcome = { counters: Counters; held: Pending[] };

/** The run stopped making progress; the watchdog ended it. Its message is for the admin. */
export class StalledError extends GraphError {
  constructor(stallMs: number) {
    const limit = stallMs >= 120_000 ? `${Math.round(stallMs / 60_000)} minutes` : `${Math.round(stallMs / 1000)} seconds`;
    super(`No progress for ${limit}: Microsoft Graph or the database stopped answering. The run was stopped; the next sync starts on schedule.`, 0, 'stalled');
    this.name = 'StalledError';
  }
}

/** The run was ended from outside (the watchdog, or another instance): its writes must not land. */
export class RunEndedError extends Error {
  constructor() {
    super('This sync run was already ended.');
    this.name = 'RunEndedError';
  }
}

/**
 * Opens a run: a run that never finished (the process died) or failed hands its held-back
 * deactivations on, so they are decided at the end of this one.
 */
export async function openRun(db: Db, conn: Conn, values: { trigger: string; full: boolean; note?: string | null; at: Date }): Promise<{ runId: string; carried: Pending[] }> {
  const interrupted = await db
    .update(s.azureSyncRuns)
    .set({
      status: 'failed',
      error: sql`coalesce(${s.azureSyncRuns.error}, 'Interrupted; the next run resumed where it stopped.')`,
      finishedAt: sql`coalesce(${s.azureSyncRuns.finishedAt}, now())`,
      pendingDeactivations: [],
    })
    .where(and(eq(s.azureSyncRuns.connectionId, conn.id), inArray(s.azureSyncRuns.status, ['running', 'failed']), sql`jsonb_array_length(${s.azureSyncRuns.pendingDeactivations}) > 0 or ${s.azureSyncRuns.status} = 'running'`))
    .returning({ pending: s.azureSyncRuns.pendingDeactivations });
  const carried = interrupted.flatMap((r) => r.pending);
  const [run] = await db
    .insert(s.azureSyncRuns)
    .values({ organizationId: conn.organizationId, connectionId: conn.id, trigger: values.trigger, full: values.full, note: values.note ?? null, pendingDeactivations: carried, startedAt: values.at, progressAt: values.at })
    .returning({ id: s.azureSyncRuns.id });
  return { runId: run!.id, carried };
}

/** Counters and held-back deactivations of one run, as its batches commit. */
export class RunLedger {
  readonly counters = emptyCounters();
  readonly pending = new Map<string, Pending>();

  constructor(
    readonly runId: string,
    carried: Pending[],
  ) {
    this.absorb({ counters: emptyCounters(), held: carried }, 0);
  }

  /** A committed batch's counters and held-back deactivations join the run's. */
  absorb(outcome: BatchOutcome, read: number) {
    for (const p of outcome.held) {
      if (p.cancel) this.pending.delete(p.personId);
      else this.pending.set(p.personId, p);
    }
    this.counters.read += read;
    for (const k of ['created', 'updated', 'archived', 'skipped', 'errors'] as const) this.counters[k] += outcome.counters[k];
  }

  /**
   * Adds a batch to the run row inside the batch's transaction. It is also the fence: a run
   * the watchdog (or another instance) has ended is no longer 'running', and its batch rolls back.
   */
  async save(tx: Tx, { counters: c, held }: BatchOutcome, read: number, at: Date) {
    const rows = await tx
      .update(s.azureSyncRuns)
      .set({
        read: sql`${s.azureSyncRuns.read} + ${read}`,
        created: sql`${s.azureSyncRuns.created} + ${c.created}`,
        updated: sql`${s.azureSyncRuns.updated} + ${c.updated}`,
        archived: sql`${s.azureSyncRuns.archived} + ${c.archived}`,
        skipped: sql`${s.azureSyncRuns.skipped} + ${c.skipped}`,
        errors: sql`${s.azureSyncRuns.errors} + ${c.errors}`,
        progressAt: at,
        ...(held.length ? { pendingDeactivations: sql`${s.azureSyncRuns.pendingDeactivations} || ${JSON.stringify(held)}::jsonb` } : {}),
      })
      .where(and(eq(s.azureSyncRuns.id, this.runId), eq(s.azureSyncRuns.status, 'running')))
      .returning({ id: s.azureSyncRuns.id });
    if (!rows.length) throw new RunEndedError();
  }
}

/**
 * Ends a run that has not been touched for `stallMs`: aborts its signal (every Graph request
 * and wait ends at once) and rejects `stalled`, so the job returns even if something it
 * awaits never settles. Every sign of life (a Graph answer, a committed batch) calls touch().
 */
export class Watchdog {
  readonly controller = new AbortController();
  readonly stalled: Promise<never>;
  private last = Date.now();
  private persisted = this.last;
  private timer: NodeJS.Timeout;

  /** `persist` records a sign of life for the console (at most once per tick). */
  constructor(
    readonly stallMs: number,
    persist?: () => PromiseLike<unknown>,
  ) {
    let reject!: (err: unknown) => void;
    this.stalled = new Promise<never>((_, r) => (reject = r));
    this.stalled.catch(() => {});
    this.timer = setInterval(() => {
      if (persist && this.last > this.persisted) {
        this.persisted = this.last;
        Promise.resolve(persist()).catch(() => {});
      }
      if (Date.now() - this.last < this.stallMs) return;
      const err = new StalledError(this.stallMs);
      this.stop();
      this.controller.abort(err);
      reject(err);
    }, Math.max(50, Math.min(5_000, Math.floor(stallMs / 4))));
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  touch = () => {
    this.last = Date.now();
  };

  stop() {
    clearInterval(this.timer);
  }
}

/** How long a run may go without a sign of life (AZURE_SYNC_STALL_SECONDS, default 5 minutes). */
export function stallLimitMs(): number {
  return getEnv().AZURE_SYNC_STALL_SECONDS * 1000;
}

/**
 * A failed run: its row says why in words, the connection counts the failure, and after
 * maxFailures in a row waits RECONNECT_DELAY_MS before it reconnects by itself. Only a run
 * still 'running' is failed, so the watchdog and the run's own error path never count twice.
 */
export async function failRun(db: Db, conn: Conn, runId: string, message: string, at: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const ended = await tx
      .update(s.azureSyncRuns)
      .set({ status: 'failed', error: message, finishedAt: at })
      .where(and(eq(s.azureSyncRuns.id, runId), eq(s.azureSyncRuns.status, 'running')))
      .returning({ id: s.azureSyncRuns.id });
    if (!ended.length) return;
    const [current] = await tx.select({ failures: s.azureConnections.consecutiveFailures }).from(s.azureConnections).where(eq(s.azureConnections.id, conn.id)).for('update');
    const failures = (current?.failures ?? conn.consecutiveFailures) + 1;
    const reconnect = failures >= conn.maxFailures;
    await tx
      .update(s.azureConnections)
      .set({
        status: reconnect ? 'reconnecting' : 'failed',
        statusDetail: message,
        consecutiveFailures: reconnect ? 0 : failures,
        reconnectAt: reconnect ? new Date(at.getTime() + RECONNECT_DELAY_MS) : null,
        nextSyncAt: reconnect ? new Date(at.getTime() + RECONNECT_DELAY_MS) : new Date(at.getTime() + conn.intervalSeconds * 1000),
        updatedAt: at,
      })
      .where(eq(s.azureConnections.id, conn.id));
  });
}

/**
 * The end of a run: held-back deactivations are applied, or the run waits for an admin when
 * there are too many (the mass-deactivation guard). A settings change seen at the start is
 * marked done only if no newer one came meanwhile.
 */
export async function closeRun(
  db: Db,
  conn: Conn,
  ledger: RunLedger,
  /** `graph` null: a settings run, which read nothing from Graph and leaves the schedule and status alone. */
  values: { at: Date; graph: { nextSyncAt: Date } | null; reevaluated: Date | null; connection?: Partial<Conn> },
): Promise<'succeeded' | 'awaiting_confirmation'> {
  const { at, graph } = values;
  const pending = [...ledger.pending.values()];
  const settled = values.reevaluated ? { reevaluateRequestedAt: sql`case when ${s.azureConnections.reevaluateRequestedAt} = ${values.reevaluated.toISOString()}::timestamptz then null else ${s.azureConnections.reevaluateRequestedAt} end` } : {};
  const guarded = pending.length > 0 && (await exceedsGuard(db, conn, pending.length));
  return db.transaction(async (tx) => {
    if (guarded) {
      await fenced(tx, ledger.runId, { status: 'awaiting_confirmation', pendingDeactivations: pending, progressAt: at });
      await tx
        .update(s.azureConnections)
        .set({
          status: 'paused',
          statusDetail: `This run would deactivate ${pending.length} people; an admin must confirm.`,
          nextSyncAt: null,
          updatedAt: at,
          ...settled,
          ...values.connection,
          ...(graph ? { lastSyncAt: at, consecutiveFailures: 0 } : {}),
        })
        .where(eq(s.azureConnections.id, conn.id));
      return 'awaiting_confirmation' as const;
    }
    const deactivated = await applyDeactivations(tx, conn, ledger.runId, pending, at);
    await fenced(tx, ledger.runId, { status: 'succeeded', deactivated, pendingDeactivations: [], finishedAt: at, progressAt: at });
    await tx
      .update(s.azureConnections)
      .set({
        ...(graph ? { status: 'connected' as const, statusDetail: null, lastSyncAt: at, nextSyncAt: graph.nextSyncAt, consecutiveFailures: 0, reconnectAt: null } : {}),
        updatedAt: at,
        ...settled,
        ...values.connection,
      })
      .where(eq(s.azureConnections.id, conn.id));
    return 'succeeded' as const;
  });
}

async function fenced(tx: Tx, runId: string, set: Partial<typeof s.azureSyncRuns.$inferInsert>) {
  const rows = await tx
    .update(s.azureSyncRuns)
    .set(set)
    .where(and(eq(s.azureSyncRuns.id, runId), eq(s.azureSyncRuns.status, 'running')))
    .returning({ id: s.azureSyncRuns.id });
  if (!rows.length) throw new RunEndedError();
}

/** More than guardPercent of the connection's active people, and at least guardMinimum. */
async function exceedsGuard(db: Db | Tx, conn: Conn, count: number): Promise<boolean> {
  if (count < conn.guardMinimum) return false;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(s.azureDirectoryUsers)
    .innerJoin(s.people, eq(s.people.id, s.azureDirectoryUsers.personId))
    .where(and(eq(s.azureDirectoryUsers.connectionId, conn.id), eq(s.people.status, 'active')));
  return count * 100 > conn.guardPercent * row!.n;
}

/** Deactivations decided by the directory core; a SCIM push applies its own at once (source 'scim', with the directory in the detail). */
export async function applyDeactivations(
  tx: Tx,
  conn: Pick<Conn, 'organizationId'>,
  runId: string,
  pending: Pending[],
  at: Date,
  source: { kind: 'azure' | 'scim'; detail?: Record<string, unknown> } = { kind: 'azure' },
): Promise<number> {
  if (!pending.length) return 0;
  const ids = pending.map((p) => p.personId);
  const rows = await tx
    .update(s.people)
    .set({ status: 'inactive', updatedAt: at })
    .where(and(eq(s.people.organizationId, conn.organizationId), inArray(s.people.id, ids), eq(s.people.status, 'active'), sql`not ('status' = any(${s.people.lockedFields}))`))
    .returning({ id: s.people.id });
  const done = new Set(rows.map((r) => r.id));
  const events = pending
    .filter((p) => done.has(p.personId))
    .map((p) => ({
      organizationId: conn.organizationId,
      type: 'person_deactivated' as const,
      source: source.kind,
      reasonCode: p.reason,
      personId: p.personId,
      diff: { status: { before: 'active', after: 'inactive' } },
      detail: { ...source.detail, runId, objectId: p.objectId, detail: p.detail ?? '' },
    }));
  for (let i = 0; i < events.length; i += 1000) await tx.insert(s.provisioningEvents).values(events.slice(i, i + 1000));
  return done.size;
}
