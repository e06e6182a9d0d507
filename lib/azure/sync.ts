import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { decideDirectoryUser, directoryEmail, type DirectoryContext, type DirectoryRecord, type DirectoryRecordFields } from '@/lib/provisioning/directory';
import type { ExistingPerson, FieldChanges, MappingRule } from '@/lib/provisioning/types';
import { employeeDefaults, existing, isUniqueViolation } from '@/lib/users/provision';
import { arrayLiteral, bulkInsert, bulkUpdate, type Column } from './bulk';
import { GraphError, graphClientFor, ResyncRequiredError, type DeltaPage, type DirectoryUser, type GraphClient } from './graph';

// One sync run of one Azure AD connection: read users/delta page by page, decide each
// user with the directory core, apply each page in one transaction together with the
// link to resume from, so a crash or kill resumes with nothing lost and nothing
// applied twice. Deactivations wait until the end of the run, for the mass-deactivation
// guard. Runs are started by the job queue (lib/azure/worker.ts), one at a time per connection.

export const RECONNECT_DELAY_MS = 120_000;
const MEMBERSHIP_CONCURRENCY = 4;

export type SyncOptions = {
  trigger?: 'schedule' | 'manual' | 'resume';
  now?: () => Date;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Called after each batch of pages is committed (tests use it to kill a run mid-way). */
  afterPage?: (batchNumber: number) => void | Promise<void>;
  /** Delta pages are applied in transactions of about this many users (default 2,000). */
  batchUsers?: number;
};

export type SyncOutcome =
  | { status: 'skipped'; reason: 'missing' | 'paused' | 'waiting' | 'not_consented' }
  | { status: 'succeeded' | 'awaiting_confirmation' | 'failed'; runId: string; error?: string };

type Conn = typeof s.azureConnections.$inferSelect;
type Pending = { personId: string; objectId: string; reason: string; detail?: string; cancel?: boolean };
type Counters = { read: number; created: number; updated: number; deactivated: number; archived: number; skipped: number; errors: number };
const emptyCounters = (): Counters => ({ read: 0, created: 0, updated: 0, deactivated: 0, archived: 0, skipped: 0, errors: 0 });
/** What applying a batch adds to the run, taken in once its transaction has committed. */
type BatchOutcome = { counters: Counters; held: Pending[] };
type Batch = {
  number: number;
  users: DirectoryUser[];
  resumeLink: string;
  endOfRound: boolean;
  ids: Set<string>;
  /** Applied while the batch before it was still in flight. */
  alongside: boolean;
  committed: boolean;
  /** Settles once this batch's transaction holds its advisory lock (or has failed before). */
  locked: Promise<void>;
  done: Promise<void>;
};

export async function syncConnection(db: Db, connectionId: string, opts: SyncOptions = {}): Promise<SyncOutcome> {
  const now = opts.now ?? (() => new Date());
  const [conn] = await db.select().from(s.azureConnections).where(eq(s.azureConnections.id, connectionId));
  if (!conn) return { status: 'skipped', reason: 'missing' };
  if (conn.status === 'paused') return { status: 'skipped', reason: 'paused' };
  if (!conn.consentedAt) return { status: 'skipped', reason: 'not_consented' };
  if (conn.reconnectAt && conn.reconnectAt > now()) return { status: 'skipped', reason: 'waiting' };

  // A run that never finished (the process died) or failed hands its held-back deactivations on.
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
    .values({ organizationId: conn.organizationId, connectionId: conn.id, trigger: opts.trigger ?? 'schedule', full: conn.resumeLink === null || conn.inFullRound, pendingDeactivations: carried, startedAt: now() })
    .returning({ id: s.azureSyncRuns.id });
  const runId = run!.id;

  try {
    const graph = graphClientFor(conn, { fetch: opts.fetch, sleep: opts.sleep, now: () => now().getTime() });
    const result = await new Run(db, conn, runId, graph, now, carried, opts).execute();
    return { status: result, runId };
  } catch (err) {
    const message = err instanceof GraphError ? err.message : 'The sync failed unexpectedly; see the server log.';
    if (!(err instanceof GraphError)) console.error('azure sync failed', { connectionId, runId, err });
    await recordFailure(db, conn, runId, message, now());
    return { status: 'failed', runId, error: message };
  }
}

async function recordFailure(db: Db, conn: Conn, runId: string, message: string, at: Date) {
  const failures = conn.consecutiveFailures + 1;
  const reconnect = failures >= conn.maxFailures;
  await db.transaction(async (tx) => {
    await tx.update(s.azureSyncRuns).set({ status: 'failed', error: message, finishedAt: at }).where(eq(s.azureSyncRuns.id, runId));
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

class Run {
  private counters = emptyCounters();
  private pending = new Map<string, Pending>();
  private seen = new Set<string>();
  private ctx!: DirectoryContext;
  private membership = new Map<string, string[]>();
  private generation: number;
  private full: boolean;

  constructor(
    private db: Db,
    private conn: Conn,
    private runId: string,
    private graph: GraphClient,
    private now: () => Date,
    carried: Pending[],
    private opts: SyncOptions,
  ) {
    this.absorb({ counters: emptyCounters(), held: carried }, 0);
    this.full = conn.resumeLink === null || conn.inFullRound;
    this.generation = conn.fullRoundGeneration;
    this.startedAt = now().getTime();
  }

  async execute(): Promise<'succeeded' | 'awaiting_confirmation'> {
    this.ctx = await loadDirectoryContext(this.db, this.conn);
    let link = this.conn.resumeLink;
    if (link === null) await this.startFullRound();
    let resyncs = 0;
    // The next page is fetched while this one is applied (its link is stored only after),
    // and the first one while the group memberships load.
    let prefetched: Promise<DeltaPage> | null = this.graph.deltaPage(link);
    prefetched.catch(() => {}); // awaited (and rethrown) in the loop
    await this.loadMembership();
    let buffered: DirectoryUser[] = [];
    try {
      for (let page = 1; ; page++) {
        let result: DeltaPage;
        try {
          result = await (prefetched ?? this.graph.deltaPage(link));
        } catch (err) {
          if (!(err instanceof ResyncRequiredError) || resyncs++ > 0) throw err;
          // A batch still in flight must not store its resume link after the round restarts.
          await this.drain();
          await this.startFullRound();
          link = null;
          prefetched = null;
          buffered = [];
          continue;
        }
        prefetched = result.nextLink ? this.graph.deltaPage(result.nextLink) : null;
        prefetched?.catch(() => {}); // awaited (and rethrown) on the next turn
        // Pages are applied in batches of about batchUsers users: fewer, larger transactions.
        buffered.push(...result.users);
        if (result.nextLink && buffered.length < (this.opts.batchUsers ?? 2000)) {
          link = result.nextLink;
          continue;
        }
        await this.submit({ number: page, users: buffered, resumeLink: result.nextLink ?? result.deltaLink!, endOfRound: result.deltaLink !== null });
        buffered = [];
        if (result.deltaLink) break;
        link = result.nextLink;
      }
      await this.drain();
    } finally {
      // On a failed page read, the batch still in flight settles before the run is marked failed.
      await this.inflight?.done.catch(() => {});
    }
    await this.membershipPass();
    return this.finish();
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
  private inflight: Batch | null = null;

  private async submit(batch: Pick<Batch, 'number' | 'users' | 'resumeLink' | 'endOfRound'>): Promise<void> {
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
    if (!together) throw failed.reason;
    for (const b of batches) if (!b.committed) await this.applyPage(b, null);
  }

  private async startFullRound() {
    this.full = true;
    this.generation += 1;
    await this.db
      .update(s.azureConnections)
      .set({ resumeLink: null, inFullRound: true, fullRoundGeneration: this.generation })
      .where(eq(s.azureConnections.id, this.conn.id));
    await this.db.update(s.azureSyncRuns).set({ full: true }).where(eq(s.azureSyncRuns.id, this.runId));
  }

  /** Members of the groups the mapping rules name, nested groups included. */
  private async loadMembership() {
    const groups = [...new Set(this.ctx.rules.map((r) => r.securityGroup).filter((g): g is string => g !== null))];
    // A few groups at a time: Graph answers in parallel, and 429s are waited out per request.
    for (let i = 0; i < groups.length; i += MEMBERSHIP_CONCURRENCY) {
      const chunk = groups.slice(i, i + MEMBERSHIP_CONCURRENCY);
      const members = await Promise.all(chunk.map((g) => this.graph.transitiveUserIds(g)));
      chunk.forEach((group, k) => {
        for (const userId of members[k]!) {
          const list = this.membership.get(userId);
          if (list) list.push(group.toLowerCase());
          else this.membership.set(userId, [group.toLowerCase()]);
        }
      });
    }
    for (const list of this.membership.values()) list.sort();
  }

  private groupsOf(objectId: string): string[] {
    return this.membership.get(objectId) ?? [];
  }

  /**
   * One batch of delta pages: decisions, writes and the resume link, in one transaction.
   * `previous` is the batch applied alongside: this one commits only after it.
   */
  private async applyPage(batch: Batch, previous: Batch | null) {
    // The same user can repeat within a batch; the last state wins.
    const byId = new Map<string, DirectoryRecord>();
    for (const u of batch.users) byId.set(u.id, { objectId: u.id, data: u.data, removed: u.removed !== null, groups: this.groupsOf(u.id) });
    const records = [...byId.values()];
    let locked!: (failed?: unknown) => void;
    batch.locked = new Promise<void>((resolve, reject) => (locked = (failed) => (failed ? reject(failed) : resolve())));
    batch.locked.catch(() => {}); // awaited by the next batch
    await this.ensureJobTitles(records);
    let outcome: BatchOutcome;
    try {
      outcome = await this.db.transaction(async (tx) => {
        // Safe without waiting for the WAL flush: if PostgreSQL itself crashed and lost this
        // commit, it lost the resume link with it, and the next run fetches the same pages again.
        await tx.execute(sql`set local synchronous_commit = off`);
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${this.runId}), ${batch.number})`);
        locked();
        const outcome = await this.applyRecordsRetrying(tx, records, { storeData: true });
        if (previous) {
          await previous.locked;
          await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${this.runId}), ${previous.number})`);
          await previous.done;
        }
        const set: Partial<Conn> = { resumeLink: batch.resumeLink, updatedAt: this.now() };
        if (batch.endOfRound && this.full) {
          outcome.held.push(...(await this.reconcile(tx)));
          set.inFullRound = false;
        }
        await tx.update(s.azureConnections).set(set).where(eq(s.azureConnections.id, this.conn.id));
        await this.saveProgress(tx, outcome, batch.users.length);
        return outcome;
      });
    } catch (err) {
      locked(err ?? new Error('batch failed'));
      throw err;
    }
    batch.committed = true;
    this.absorb(outcome, batch.users.length);
    for (const r of records) this.seen.add(r.objectId);
    await this.opts.afterPage?.(batch.number);
  }

  /**
   * Someone else (an SSO login, the batch before) took an email meanwhile: the batch is
   * decided again from a savepoint, so the transaction and its advisory lock stay held
   * (giving the lock up would let the next batch take it, and then wait for this one forever).
   */
  private async applyRecordsRetrying(tx: Tx, records: DirectoryRecord[], opts: { storeData: boolean }): Promise<BatchOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await tx.transaction((savepoint) => this.applyRecords(savepoint, records, opts));
      } catch (err) {
        if (attempt < 3 && isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  /** A committed batch's counters and held-back deactivations join the run's. */
  private absorb(outcome: BatchOutcome, read: number) {
    for (const p of outcome.held) {
      if (p.cancel) this.pending.delete(p.personId);
      else this.pending.set(p.personId, p);
    }
    this.counters.read += read;
    for (const k of ['created', 'updated', 'archived', 'skipped', 'errors'] as const) this.counters[k] += outcome.counters[k];
  }

  private async saveProgress(tx: Tx, { counters: c, held }: BatchOutcome, read: number) {
    await tx
      .update(s.azureSyncRuns)
      .set({
        read: sql`${s.azureSyncRuns.read} + ${read}`,
        created: sql`${s.azureSyncRuns.created} + ${c.created}`,
        updated: sql`${s.azureSyncRuns.updated} + ${c.updated}`,
        archived: sql`${s.azureSyncRuns.archived} + ${c.archived}`,
        skipped: sql`${s.azureSyncRuns.skipped} + ${c.skipped}`,
        errors: sql`${s.azureSyncRuns.errors} + ${c.errors}`,
        ...(held.length ? { pendingDeactivations: sql`${s.azureSyncRuns.pendingDeactivations} || ${JSON.stringify(held)}::jsonb` } : {}),
      })
      .where(eq(s.azureSyncRuns.id, this.runId));
  }

  /**
   * Decide and write a batch of directory users. `storeData` (delta pages) also stores
   * what Graph sent; the membership pass reuses the stored data.
   */
  private async applyRecords(tx: Tx, records: DirectoryRecord[], { storeData }: { storeData: boolean }): Promise<BatchOutcome> {
    const c = emptyCounters();
    const held: Pending[] = [];
    if (!records.length) return { counters: c, held };
    const { organizationId } = this.conn;
    const tenantId = this.ctx.tenantId;

    const ids = records.map((r) => r.objectId);
    const linkedRows = await tx
      .select({ person: s.people, externalId: s.personIdentities.externalId })
      .from(s.personIdentities)
      .innerJoin(s.people, eq(s.people.id, s.personIdentities.personId))
      .where(and(eq(s.personIdentities.source, 'azure'), eq(s.personIdentities.scope, tenantId), sql`${s.personIdentities.externalId} = any(${arrayLiteral(ids)}::text[])`))
      // Locked until the page commits: a concurrent admin edit waits instead of being overwritten.
      .for('update', { of: s.people });
    const linked = new Map(linkedRows.map((r) => [r.externalId, withPhoneType(r.person)]));
    const emails = records.map((r) => mappedEmail(this.ctx, r)).filter((e): e is string => e !== null);
    const emailRows = emails.length ? await tx.select().from(s.people).where(sql`lower(${s.people.email}) = any(${arrayLiteral(emails)}::text[])`).for('update') : [];
    const byEmail = new Map(emailRows.map((p) => [p.email.toLowerCase(), withPhoneType(p)]));
    // Which of those people another user of this tenant, still in Azure AD, is linked to.
    const emailLinks = emailRows.length
      ? await tx
          .select({ personId: s.azureDirectoryUsers.personId, objectId: s.azureDirectoryUsers.objectId })
          .from(s.azureDirectoryUsers)
          .where(and(eq(s.azureDirectoryUsers.connectionId, this.conn.id), eq(s.azureDirectoryUsers.removed, false), inArray(s.azureDirectoryUsers.personId, emailRows.map((p) => p.id))))
      : [];
    const linkedTo = new Map(emailLinks.map((l) => [l.personId!, l.objectId]));

    const current = new Map<string, PersonRow>();
    for (const p of [...linked.values(), ...byEmail.values()]) current.set(p.id, p);
    const creates: (DirectoryRecordFields & { id: string })[] = [];
    const updates = new Map<string, PersonRow>();
    const events: EventRow[] = [];
    const links: { personId: string; objectId: string }[] = [];
    const moveLinks: { personId: string; objectId: string }[] = [];
    const personOf = new Map<string, string | null>();
    const claimed = new Set<string>();
    const now = this.now();
    const event = (type: EventRow['type'], personId: string | null, objectId: string, extra: Partial<EventRow> = {}): EventRow => ({
      type,
      personId,
      objectId,
      reasonCode: null,
      ruleId: null,
      diff: {},
      detail: null,
      ...extra,
    });
    const change = (personId: string, changes: FieldChanges) => {
      const row = { ...(updates.get(personId) ?? current.get(personId)!) };
      for (const [f, ch] of Object.entries(changes)) (row as Record<string, unknown>)[f] = ch!.after;
      updates.set(personId, row);
    };

    for (const r of records) {
      const email = mappedEmail(this.ctx, r);
      const owner = email ? (byEmail.get(email) ?? null) : null;
      let plan = decideDirectoryUser(this.ctx, r, linked.get(r.objectId) ?? null, owner, owner ? (linkedTo.get(owner.id) ?? null) : null);
      // Two directory users with one email in one batch: the first one gets it.
      if ((plan.kind === 'create' || plan.kind === 'archive') && claimed.has(plan.record.email.toLowerCase())) {
        plan = { kind: 'skip', reason: 'email_conflict', detail: `Another Azure AD user in this tenant also has ${plan.record.email}.`, personId: null };
      }
      switch (plan.kind) {
        case 'skip':
          personOf.set(r.objectId, plan.personId);
          if (plan.reason === 'unchanged' || plan.reason === 'not_linked') break;
          c.skipped++;
          events.push(event('sync_skipped', plan.personId, r.objectId, { reasonCode: plan.reason, detail: plan.detail }));
          break;
        case 'deactivate':
          personOf.set(r.objectId, plan.personId);
          held.push({ personId: plan.personId, objectId: r.objectId, reason: plan.reason, detail: plan.detail });
          break;
        case 'archive':
        case 'create': {
          claimed.add(plan.record.email.toLowerCase());
          const id = randomUUID();
          creates.push({ ...plan.record, id });
          personOf.set(r.objectId, id);
          events.push(event('person_created', id, r.objectId, { ruleId: plan.ruleId, diff: plan.changes }));
          c.created++;
          if (plan.kind === 'archive') {
            // Archive first (same statement order below): it frees the email the new record takes.
            change(plan.personId, plan.archive);
            events.push(event('person_archived', plan.personId, r.objectId, { ruleId: plan.ruleId, diff: plan.archive, detail: `The mapping rules now make this person a ${plan.record.type}; archived and a new ${plan.record.type} created.` }));
            c.archived++;
            // The Azure link follows the new record; the archived one keeps everything else.
            if (linked.has(r.objectId)) moveLinks.push({ personId: id, objectId: r.objectId });
            else links.push({ personId: id, objectId: r.objectId });
          } else {
            links.push({ personId: id, objectId: r.objectId });
          }
          break;
        }
        case 'update': {
          personOf.set(r.objectId, plan.personId);
          if (this.pending.has(plan.personId)) held.push({ personId: plan.personId, objectId: r.objectId, reason: '', cancel: true });
          const changed = Object.keys(plan.changes).length > 0;
          if (changed) {
            change(plan.personId, plan.changes);
            c.updated++;
          }
          if (plan.link) {
            links.push({ personId: plan.personId, objectId: r.objectId });
            events.push(event('person_merged', plan.personId, r.objectId, { ruleId: plan.ruleId, diff: plan.changes, detail: 'Matched by email and linked to the Azure AD user.' }));
          } else if (changed) {
            events.push(event(plan.changes.status ? 'person_reactivated' : 'person_updated', plan.personId, r.objectId, { ruleId: plan.ruleId, diff: plan.changes }));
          }
          break;
        }
      }
    }

    // Updates (archives among them) before inserts, so a freed email is free; the rest pipelines.
    await bulkUpdate(tx, 'people', organizationId, [...updates.values()], PERSON_UPDATE_COLUMNS(now));
    const writes: Promise<unknown>[] = [
      bulkInsert(tx, 'people', creates, PERSON_INSERT_COLUMNS(organizationId, now)),
      bulkInsert(
        tx,
        'provisioning_events',
        events,
        EVENT_COLUMNS(organizationId, this.runId, now),
      ),
    ];
    for (const m of moveLinks) {
      writes.push(
        tx
          .update(s.personIdentities)
          .set({ personId: m.personId })
          .where(
            and(
              eq(s.personIdentities.organizationId, organizationId),
              eq(s.personIdentities.source, 'azure'),
              eq(s.personIdentities.scope, tenantId),
              eq(s.personIdentities.externalId, m.objectId),
            ),
          ),
      );
    }
    await Promise.all(writes);
    // Identities point at people rows, so they follow the inserts.
    const tail: Promise<unknown>[] = [bulkInsert(tx, 'person_identities', links, IDENTITY_COLUMNS(organizationId, tenantId), sql`on conflict do nothing`)];
    if (storeData) {
      tail.push(
        bulkInsert(
          tx,
          'azure_directory_users',
          records,
          DIRECTORY_COLUMNS(this.conn.id, organizationId, this.generation, now, personOf),
          sql`on conflict (connection_id, object_id) do update set data = excluded.data, groups = excluded.groups, removed = excluded.removed,
                person_id = coalesce(excluded.person_id, azure_directory_users.person_id), seen_generation = excluded.seen_generation, updated_at = excluded.updated_at`,
        ),
      );
    } else {
      tail.push(
        bulkUpdateDirectory(tx, this.conn.id, records, personOf, now),
      );
    }
    await Promise.all(tail);
    return { counters: c, held };
  }

  /**
   * Job titles Azure AD names that the organization does not have yet are added to its
   * lookup, committed on their own before the batch: two batches in flight never wait
   * for each other's new titles, and a title left by a batch that failed is harmless.
   */
  private async ensureJobTitles(records: DirectoryRecord[]) {
    const missing = new Map<string, string>();
    for (const r of records) {
      const t = typeof r.data.jobTitle === 'string' ? r.data.jobTitle.trim() : '';
      if (t && !this.ctx.jobTitles[t.toLowerCase()]) missing.set(t.toLowerCase(), t);
    }
    if (!missing.size) return;
    await this.db
      .insert(s.jobTitles)
      .values([...missing.values()].map((name) => ({ organizationId: this.conn.organizationId, name })))
      .onConflictDoNothing();
    const rows = await this.db
      .select({ id: s.jobTitles.id, name: s.jobTitles.name })
      .from(s.jobTitles)
      .where(and(eq(s.jobTitles.organizationId, this.conn.organizationId), sql`lower(${s.jobTitles.name}) in ${[...missing.keys()]}`));
    for (const row of rows) this.ctx.jobTitles[row.name.toLowerCase()] = row.id;
  }

  /** End of a full round: linked users Azure AD no longer returned are treated as removed. */
  private async reconcile(tx: Tx): Promise<Pending[]> {
    const gone = await tx
      .update(s.azureDirectoryUsers)
      .set({ removed: true, updatedAt: this.now() })
      .where(
        and(
          eq(s.azureDirectoryUsers.connectionId, this.conn.id),
          eq(s.azureDirectoryUsers.removed, false),
          sql`${s.azureDirectoryUsers.seenGeneration} < ${this.generation}`,
        ),
      )
      .returning({ objectId: s.azureDirectoryUsers.objectId, personId: s.azureDirectoryUsers.personId });
    return gone
      .filter((g) => g.personId && g.personId !== this.ctx.rootPersonId)
      .map((g) => ({ personId: g.personId!, objectId: g.objectId, reason: 'azure_removed', detail: 'Not in Azure AD any more (found by a full resync).' }));
  }

  /** Users whose mapped-group membership changed without any change to the user object. */
  private async membershipPass() {
    const rows = await this.db
      .select({ objectId: s.azureDirectoryUsers.objectId, groups: s.azureDirectoryUsers.groups })
      .from(s.azureDirectoryUsers)
      .where(and(eq(s.azureDirectoryUsers.connectionId, this.conn.id), eq(s.azureDirectoryUsers.removed, false)));
    const changed = new Map<string, string[]>();
    for (const row of rows) {
      if (this.seen.has(row.objectId)) continue;
      const groups = this.groupsOf(row.objectId);
      if (groups.join(',') !== [...row.groups].sort().join(',')) changed.set(row.objectId, groups);
    }
    const ids = [...changed.keys()];
    for (let i = 0; i < ids.length; i += 1000) {
      // The stored object is what Graph last sent (only this run writes it); only the groups are new,
      // so only what the rules set can change.
      const stored = await this.db
        .select({ objectId: s.azureDirectoryUsers.objectId, data: s.azureDirectoryUsers.data })
        .from(s.azureDirectoryUsers)
        .where(and(eq(s.azureDirectoryUsers.connectionId, this.conn.id), inArray(s.azureDirectoryUsers.objectId, ids.slice(i, i + 1000))));
      const batch = stored.map((r) => ({ objectId: r.objectId, data: r.data, removed: false, groups: changed.get(r.objectId)!, groupsOnly: true }));
      await this.ensureJobTitles(batch);
      const outcome = await this.db.transaction(async (tx) => {
        const outcome = await this.applyRecordsRetrying(tx, batch, { storeData: false });
        await this.saveProgress(tx, outcome, 0);
        return outcome;
      });
      this.absorb(outcome, 0);
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
  private startedAt: number;

  /** Held-back deactivations: applied now, or the run waits for an admin when there are too many. */
  private async finish(): Promise<'succeeded' | 'awaiting_confirmation'> {
    const at = this.now();
    const pending = [...this.pending.values()];
    if (pending.length && (await exceedsGuard(this.db, this.conn, pending.length))) {
      await this.db.transaction(async (tx) => {
        await tx
          .update(s.azureSyncRuns)
          .set({ status: 'awaiting_confirmation', pendingDeactivations: pending })
          .where(eq(s.azureSyncRuns.id, this.runId));
        await tx
          .update(s.azureConnections)
          .set({ status: 'paused', statusDetail: `This run would deactivate ${pending.length} people; an admin must confirm.`, lastSyncAt: at, nextSyncAt: null, consecutiveFailures: 0, updatedAt: at })
          .where(eq(s.azureConnections.id, this.conn.id));
      });
      return 'awaiting_confirmation';
    }
    await this.db.transaction(async (tx) => {
      const deactivated = await applyDeactivations(tx, this.conn, this.runId, pending, at);
      await tx
        .update(s.azureSyncRuns)
        .set({ status: 'succeeded', deactivated, pendingDeactivations: [], finishedAt: at })
        .where(eq(s.azureSyncRuns.id, this.runId));
      await tx
        .update(s.azureConnections)
        .set({ status: 'connected', statusDetail: null, lastSyncAt: at, nextSyncAt: this.nextSyncAt(), consecutiveFailures: 0, reconnectAt: null, updatedAt: at })
        .where(eq(s.azureConnections.id, this.conn.id));
    });
    return 'succeeded';
  }
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

export async function applyDeactivations(tx: Tx, conn: Conn, runId: string, pending: Pending[], at: Date): Promise<number> {
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
      source: 'azure',
      reasonCode: p.reason,
      personId: p.personId,
      diff: { status: { before: 'active', after: 'inactive' } },
      detail: { runId, objectId: p.objectId, detail: p.detail ?? '' },
    }));
  for (let i = 0; i < events.length; i += 1000) await tx.insert(s.provisioningEvents).values(events.slice(i, i + 1000));
  return done.size;
}

function withPhoneType(p: typeof s.people.$inferSelect): ExistingPerson & { phoneType: typeof p.phoneType } {
  return { ...existing(p), phoneType: p.phoneType };
}

/** The lower-cased address a record is matched by, from the connection's email source. */
function mappedEmail(ctx: DirectoryContext, r: DirectoryRecord): string | null {
  return r.removed ? null : (directoryEmail(r.data, ctx.emailSource)?.toLowerCase() ?? null);
}

/** Rules, defaults and lookups for one connection's decisions. */
export async function loadDirectoryContext(db: Db | Tx, conn: Conn): Promise<DirectoryContext> {
  const [org] = await db
    .select({ rootPersonId: s.organizations.rootPersonId, settings: s.provisioningSettings })
    .from(s.organizations)
    .leftJoin(s.provisioningSettings, eq(s.provisioningSettings.organizationId, s.organizations.id))
    .where(eq(s.organizations.id, conn.organizationId));
  const st = org?.settings;
  const tenantId = (conn.tenantId ?? conn.tenant).toLowerCase();
  const tenantNames = new Set([conn.tenant.toLowerCase(), tenantId]);
  const rules: MappingRule[] = (
    await db
      .select()
      .from(s.mappingRules)
      .where(and(eq(s.mappingRules.organizationId, conn.organizationId), eq(s.mappingRules.kind, 'azure')))
      .orderBy(asc(s.mappingRules.position), asc(s.mappingRules.createdAt))
  )
    // A rule may name the tenant by domain or by id; either means this connection.
    .filter((r) => r.domain === null || tenantNames.has(r.domain.toLowerCase()))
    .map((r) => ({ ...r, domain: r.domain === null ? null : tenantId }));
  const titles = await db.select({ id: s.jobTitles.id, name: s.jobTitles.name }).from(s.jobTitles).where(eq(s.jobTitles.organizationId, conn.organizationId));
  return {
    organizationId: conn.organizationId,
    tenantId,
    rootPersonId: org?.rootPersonId ?? null,
    emailSource: conn.emailSource,
    defaultPhoneType: st?.defaultPhoneType ?? 'office',
    defaults: employeeDefaults(st),
    rules,
    jobTitles: Object.fromEntries(titles.map((t) => [t.name.toLowerCase(), t.id])),
  };
}

type PersonRow = ReturnType<typeof withPhoneType>;
type EventRow = {
  type: (typeof s.eventType.enumValues)[number];
  personId: string | null;
  objectId: string;
  reasonCode: string | null;
  ruleId: string | null;
  diff: FieldChanges;
  detail: string | null;
};

const PERSON_FIELDS = [
  ['first_name', 'text', 'firstName'],
  ['last_name', 'text', 'lastName'],
  ['username', 'text', 'username'],
  ['email', 'text', 'email'],
  ['phone', 'text', 'phone'],
  ['phone_type', 'phone_type', 'phoneType'],
  ['status', 'person_status', 'status'],
  ['job_title_id', 'uuid', 'jobTitleId'],
  ['department_id', 'uuid', 'departmentId'],
  ['location_id', 'uuid', 'locationId'],
  ['manager_id', 'uuid', 'managerId'],
  ['employment_type_id', 'uuid', 'employmentTypeId'],
  ['security_role_id', 'uuid', 'securityRoleId'],
  ['employee_role_id', 'uuid', 'employeeRoleId'],
  ['client_account_id', 'uuid', 'clientAccountId'],
] as const;

const fieldColumns = <R extends Record<string, unknown>>(): Column<R>[] => PERSON_FIELDS.map(([name, type, key]) => [name, type, (r: R) => r[key]] as const);

const PERSON_INSERT_COLUMNS = (organizationId: string, now: Date): Column<DirectoryRecordFields & { id: string }>[] => [
  ['id', 'uuid', (r) => r.id],
  ['organization_id', 'uuid', () => organizationId],
  ['type', 'person_type', (r) => r.type],
  ['source', 'person_source', () => 'azure_ad'],
  ...fieldColumns<DirectoryRecordFields & { id: string }>(),
  ['created_at', 'timestamptz', () => now],
  ['updated_at', 'timestamptz', () => now],
];

const PERSON_UPDATE_COLUMNS = (now: Date): Column<PersonRow>[] => [['id', 'uuid', (r) => r.id], ...fieldColumns<PersonRow>(), ['updated_at', 'timestamptz', () => now]];

const EVENT_COLUMNS = (organizationId: string, runId: string, now: Date): Column<EventRow>[] => [
  ['organization_id', 'uuid', () => organizationId],
  ['type', 'event_type', (e) => e.type],
  ['reason_code', 'text', (e) => e.reasonCode],
  ['source', 'text', () => 'azure'],
  ['person_id', 'uuid', (e) => e.personId],
  ['rule_id', 'uuid', (e) => e.ruleId],
  ['diff', 'jsonb', (e) => e.diff],
  ['detail', 'jsonb', (e) => (e.detail ? { runId, objectId: e.objectId, detail: e.detail } : { runId, objectId: e.objectId })],
  ['created_at', 'timestamptz', () => now],
];

const IDENTITY_COLUMNS = (organizationId: string, tenantId: string): Column<{ personId: string; objectId: string }>[] => [
  ['organization_id', 'uuid', () => organizationId],
  ['person_id', 'uuid', (l) => l.personId],
  ['source', 'identity_source', () => 'azure'],
  ['scope', 'text', () => tenantId],
  ['external_id', 'text', (l) => l.objectId],
];

const DIRECTORY_COLUMNS = (connectionId: string, organizationId: string, generation: number, now: Date, personOf: Map<string, string | null>): Column<DirectoryRecord>[] => [
  ['connection_id', 'uuid', () => connectionId],
  ['object_id', 'text', (r) => r.objectId],
  ['organization_id', 'uuid', () => organizationId],
  ['data', 'jsonb', (r) => r.data],
  ['groups', 'text[]', (r) => arrayLiteral(r.groups)],
  ['removed', 'boolean', (r) => r.removed],
  ['person_id', 'uuid', (r) => personOf.get(r.objectId) ?? null],
  ['seen_generation', 'integer', () => generation],
  ['updated_at', 'timestamptz', () => now],
];

/** The membership pass: new groups (and a person id learnt meanwhile) for users whose object did not change. */
function bulkUpdateDirectory(tx: Tx, connectionId: string, records: DirectoryRecord[], personOf: Map<string, string | null>, now: Date) {
  return tx.execute(sql`
    update azure_directory_users d
       set groups = string_to_array(u.groups, ','), person_id = coalesce(u.person_id::uuid, d.person_id), updated_at = ${now.toISOString()}::timestamptz
      from unnest(${arrayLiteral(records.map((r) => r.objectId))}::text[], ${arrayLiteral(records.map((r) => r.groups.join(',')))}::text[], ${arrayLiteral(records.map((r) => personOf.get(r.objectId) ?? null))}::text[]) as u(object_id, groups, person_id)
     where d.connection_id = ${connectionId} and d.object_id = u.object_id`);
}
