import { PgBoss } from 'pg-boss';
import { and, eq, isNotNull, isNull, lte, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { syncConnection, type SyncOptions } from './sync';

// The sync engine runs on pg-boss, a job queue in the same PostgreSQL: a "stately"
// queue keyed by connection id holds at most one queued and one running job per
// connection, however many app instances run a worker. Each instance also runs a small
// scheduler that queues connections whose next sync is due.

export const SYNC_QUEUE = 'azure-sync';
const SCHEDULER_TICK_MS = 1_000;
/** A job whose worker stops sending heartbeats (the process died or froze) is failed after this, and the connection's queue frees. */
const HEARTBEAT_SECONDS = 30;

type Worker = { boss: PgBoss; timer: NodeJS.Timeout; stop: () => Promise<void> };
const globalForWorker = globalThis as unknown as { __azureSyncWorker?: Promise<Worker> };

export type WorkerOptions = { databaseUrl: string; tickMs?: number; sync?: SyncOptions };

async function openQueue(databaseUrl: string): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 4 });
  boss.on('error', (err: unknown) => console.error('[azure-sync] queue error:', err instanceof Error ? err.message : err));
  await boss.start();
  const queue = await boss.getQueue(SYNC_QUEUE);
  if (!queue) await boss.createQueue(SYNC_QUEUE, { policy: 'stately', retryLimit: 0, expireInSeconds: 3600, heartbeatSeconds: HEARTBEAT_SECONDS });
  else if (queue.heartbeatSeconds !== HEARTBEAT_SECONDS) await boss.updateQueue(SYNC_QUEUE, { heartbeatSeconds: HEARTBEAT_SECONDS });
  return boss;
}

/** Starts the worker and scheduler in this process (once). */
export function startSyncWorker(db: Db, opts: WorkerOptions): Promise<Worker> {
  globalForWorker.__azureSyncWorker ??= (async () => {
    const boss = await openQueue(opts.databaseUrl);
    await boss.work<{ connectionId: string; trigger?: SyncOptions['trigger'] }>(SYNC_QUEUE, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async ([job]) => {
      // The job's signal aborts when its claim is gone (failed by the heartbeat monitor): the run then stops.
      if (job) await syncConnection(db, job.data.connectionId, { ...opts.sync, trigger: job.data.trigger ?? 'schedule', signal: job.signal });
    });
    const tick = () => scheduleDue(db, boss).catch((err: unknown) => console.error('[azure-sync] scheduler:', err instanceof Error ? err.message : err));
    const timer = setInterval(tick, opts.tickMs ?? SCHEDULER_TICK_MS);
    timer.unref();
    void tick();
    return {
      boss,
      timer,
      stop: async () => {
        clearInterval(timer);
        await boss.stop({ graceful: true, timeout: 10_000 });
        globalForWorker.__azureSyncWorker = undefined;
      },
    };
  })();
  return globalForWorker.__azureSyncWorker;
}

export async function stopSyncWorker() {
  const w = await globalForWorker.__azureSyncWorker;
  await w?.stop();
}

/**
 * Queues every consented connection whose next sync (or reconnect) time has come. The
 * due time moves on by one interval in the same statement, so other ticks and other
 * instances do not queue it again while it runs; the run sets it again when it ends.
 */
export async function scheduleDue(db: Db, boss: PgBoss, now = new Date()): Promise<number> {
  const due = await db
    .update(s.azureConnections)
    .set({ nextSyncAt: sql`${now.toISOString()}::timestamptz + make_interval(secs => ${s.azureConnections.intervalSeconds})` })
    .where(
      and(
        isNotNull(s.azureConnections.consentedAt),
        // Not before Connect has verified access ('new'), nor while waiting for an admin ('paused').
        notInArray(s.azureConnections.status, ['new', 'paused']),
        or(isNull(s.azureConnections.nextSyncAt), lte(s.azureConnections.nextSyncAt, now)),
        or(isNull(s.azureConnections.reconnectAt), lte(s.azureConnections.reconnectAt, now)),
      ),
    )
    .returning({ id: s.azureConnections.id });
  for (const { id } of due) await boss.send(SYNC_QUEUE, { connectionId: id, trigger: 'schedule' }, { singletonKey: id });
  return due.length;
}

/**
 * A setting the sync decisions depend on changed: the connections' stored directories are
 * decided again at once, without reading Graph. The request is recorded on the connection
 * first, so a run already queued (or, with no worker in this process, the next scheduled
 * run) takes it in even when this job is dropped as a duplicate.
 */
export async function requestReevaluation(db: Db, organizationId: string, reason: string, connectionId?: string): Promise<number> {
  const marked = await db
    .update(s.azureConnections)
    .set({ reevaluateRequestedAt: new Date(), reevaluateReason: reason })
    .where(and(eq(s.azureConnections.organizationId, organizationId), isNotNull(s.azureConnections.consentedAt), connectionId ? eq(s.azureConnections.id, connectionId) : undefined))
    .returning({ id: s.azureConnections.id });
  const worker = await globalForWorker.__azureSyncWorker?.catch(() => undefined);
  if (worker) for (const { id } of marked) await worker.boss.send(SYNC_QUEUE, { connectionId: id, trigger: 'settings' }, { singletonKey: id });
  return marked.length;
}

/** Sync now (the Sync button): queued unless one is already queued for this connection. */
export async function enqueueSync(db: Db, organizationId: string, connectionId: string): Promise<boolean> {
  const [conn] = await db
    .select({ id: s.azureConnections.id })
    .from(s.azureConnections)
    .where(and(eq(s.azureConnections.organizationId, organizationId), eq(s.azureConnections.id, connectionId)));
  if (!conn) return false;
  const worker = await globalForWorker.__azureSyncWorker;
  if (!worker) throw new Error('The sync worker is not running in this process (SYNC_WORKER=off).');
  await worker.boss.send(SYNC_QUEUE, { connectionId, trigger: 'manual' }, { singletonKey: connectionId });
  return true;
}
