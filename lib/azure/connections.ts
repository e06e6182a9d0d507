import { randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { getEnv } from '@/lib/env';
import { maskHint, seal } from '@/lib/crypto/secrets';
import { invalidInput } from '@/lib/validation';
import { GraphError, graphClientFor } from './graph';
import { azureConnectionSchema } from './schemas';
import { applyDeactivations } from './run';
import { requestReevaluation } from './worker';

// Azure AD connections: saved with the Application Key sealed (write-only), connected
// through Microsoft's admin consent, verified with a token and one Graph read.

export type Result<T = { id: string }> = ({ ok: true } & T) | { ok: false; error: string; fieldErrors?: Record<string, string>; notFound?: boolean };

export type ConnectionRow = {
  id: string;
  tenant: string;
  tenantId: string | null;
  applicationId: string;
  /** "••••abcd": the only trace of the key that leaves the server. */
  keyMasked: string;
  status: (typeof s.azureConnectionStatus.enumValues)[number];
  statusDetail: string | null;
  reconnectAt: Date | null;
  emailSource: (typeof s.azureEmailSource.enumValues)[number];
  intervalSeconds: number;
  guardPercent: number;
  guardMinimum: number;
  maxFailures: number;
  consentedAt: Date | null;
  lastSyncAt: Date | null;
  nextSyncAt: Date | null;
};

const masked = (hint: string) => `••••••••${hint}`;

export async function listConnections(db: Db, organizationId: string): Promise<ConnectionRow[]> {
  const rows = await db.select().from(s.azureConnections).where(eq(s.azureConnections.organizationId, organizationId)).orderBy(s.azureConnections.createdAt);
  return rows.map((c) => ({
    id: c.id,
    tenant: c.tenant,
    tenantId: c.tenantId,
    applicationId: c.applicationId,
    keyMasked: masked(c.secretHint),
    status: c.status,
    statusDetail: c.statusDetail,
    reconnectAt: c.reconnectAt,
    emailSource: c.emailSource,
    intervalSeconds: c.intervalSeconds,
    guardPercent: c.guardPercent,
    guardMinimum: c.guardMinimum,
    maxFailures: c.maxFailures,
    consentedAt: c.consentedAt,
    lastSyncAt: c.lastSyncAt,
    nextSyncAt: c.nextSyncAt,
  }));
}

/** Adds a connection or edits one of this organization's. The key is required once, then kept unless replaced. Audited without the key. */
export async function saveConnection(db: Db, organizationId: string, actorPersonId: string, raw: unknown): Promise<Result> {
  const parsed = azureConnectionSchema.safeParse(raw);
  if (!parsed.success) return invalidInput(parsed.error);
  const { id, applicationKey, ...values } = parsed.data;
  if (!id && !applicationKey) return { ok: false, error: 'Check the highlighted fields.', fieldErrors: { applicationKey: 'Paste the Application Key (the client secret’s value).' } };
  const [clash] = await db
    .select({ id: s.azureConnections.id })
    .from(s.azureConnections)
    .where(and(eq(s.azureConnections.organizationId, organizationId), sql`lower(${s.azureConnections.tenant}) = ${values.tenant}`, id ? sql`${s.azureConnections.id} <> ${id}` : sql`true`));
  if (clash) return { ok: false, error: 'Check the highlighted fields.', fieldErrors: { tenant: 'This tenant already has a connection.' } };

  let reevaluate: string | null = null;
  const saved = await db.transaction(async (tx) => {
    const sealed = applicationKey ? { secretCiphertext: seal(applicationKey, organizationId), secretHint: maskHint(applicationKey) } : {};
    let before: Record<string, unknown> | null = null;
    let connectionId = id ?? null;
    if (connectionId) {
      const [current] = await tx.select().from(s.azureConnections).where(and(eq(s.azureConnections.organizationId, organizationId), eq(s.azureConnections.id, connectionId)));
      if (!current) return { ok: false, error: 'That connection does not exist.', notFound: true } as Result;
      before = audited(current);
      // A different tenant or application is a new directory: consent again, then sync from scratch.
      const identityChanged = current.tenant !== values.tenant || current.applicationId !== values.applicationId;
      if (!identityChanged && current.emailSource !== values.emailSource) reevaluate = `The email source changed to ${EMAIL_SOURCE_WORDS[values.emailSource]}.`;
      const reset = identityChanged
        ? { tenantId: null, consentedAt: null, status: 'new' as const, statusDetail: null, resumeLink: null, inFullRound: false, reconnectAt: null, consecutiveFailures: 0 }
        : {};
      await tx
        .update(s.azureConnections)
        .set({ ...values, ...sealed, ...reset, updatedAt: new Date() })
        .where(and(eq(s.azureConnections.organizationId, organizationId), eq(s.azureConnections.id, connectionId)));
    } else {
      const [row] = await tx
        .insert(s.azureConnections)
        .values({ organizationId, ...values, secretCiphertext: sealed.secretCiphertext!, secretHint: sealed.secretHint! })
        .returning({ id: s.azureConnections.id });
      connectionId = row!.id;
    }
    const after = { ...values, applicationKey: applicationKey ? 'replaced' : 'unchanged' };
    await tx.insert(s.provisioningEvents).values({
      organizationId,
      type: 'settings_changed',
      source: 'admin',
      actorPersonId,
      diff: { azureConnection: { before, after } },
      detail: { what: id ? 'azure_connection.updated' : 'azure_connection.added', connectionId },
    });
    return { ok: true, id: connectionId } as Result;
  });
  if (saved.ok && reevaluate) await requestReevaluation(db, organizationId, reevaluate, saved.id);
  return saved;
}

/** The email sources as the console names them. */
export const EMAIL_SOURCE_WORDS = { mail: 'Azure AD Email', user_principal_name: 'Microsoft Account Email', other_mails: 'External AD Email' } as const;

function audited(c: typeof s.azureConnections.$inferSelect) {
  const { tenant, applicationId, emailSource, intervalSeconds, guardPercent, guardMinimum, maxFailures } = c;
  return { tenant, applicationId, emailSource, intervalSeconds, guardPercent, guardMinimum, maxFailures };
}

/** Removes the connection; the people it created stay (never deleted by a sync). Audited. */
export async function deleteConnection(db: Db, organizationId: string, actorPersonId: string, connectionId: string): Promise<Result> {
  return db.transaction(async (tx) => {
    const [gone] = await tx.delete(s.azureConnections).where(and(eq(s.azureConnections.organizationId, organizationId), eq(s.azureConnections.id, connectionId))).returning();
    if (!gone) return { ok: false, error: 'That connection does not exist.', notFound: true } as Result;
    await tx.insert(s.provisioningEvents).values({
      organizationId,
      type: 'settings_changed',
      source: 'admin',
      actorPersonId,
      diff: { azureConnection: { before: audited(gone), after: null } },
      detail: { what: 'azure_connection.deleted', connectionId },
    });
    return { ok: true, id: connectionId } as Result;
  });
}

export function consentRedirectUri(): string {
  return `${getEnv().appUrl}/api/azure/consent`;
}

/** Connect, step 1: where to send the admin — Microsoft's admin-consent page for this app and tenant. */
export async function startConsent(db: Db, organizationId: string, connectionId: string): Promise<Result<{ url: string }>> {
  const state = randomBytes(24).toString('base64url');
  const [conn] = await db
    .update(s.azureConnections)
    .set({ consentState: state })
    .where(and(eq(s.azureConnections.organizationId, organizationId), eq(s.azureConnections.id, connectionId)))
    .returning();
  if (!conn) return { ok: false, error: 'That connection does not exist.', notFound: true };
  const url = new URL(`${getEnv().AZURE_LOGIN_URL.replace(/\/$/, '')}/${encodeURIComponent(conn.tenant)}/v2.0/adminconsent`);
  url.searchParams.set('client_id', conn.applicationId);
  url.searchParams.set('scope', 'https://graph.microsoft.com/.default');
  url.searchParams.set('redirect_uri', consentRedirectUri());
  url.searchParams.set('state', state);
  return { ok: true, url: url.toString() };
}

const CONSENT_WORDS: Record<string, string> = {
  '65004': 'The administrator declined the consent request. Click Connect again and accept.',
  '90002': 'The tenant was not found. Check the Tenant Domain Name.',
  '700016': 'No application with this Application ID exists in the tenant.',
};

/**
 * Connect, step 2: Microsoft sent the admin back. The state must be the one we issued
 * for a connection of the admin's own organization. Then verify with a token and a read.
 */
export async function completeConsent(db: Db, organizationId: string, params: URLSearchParams, fetchImpl?: typeof fetch): Promise<Result> {
  const state = params.get('state');
  if (!state) return { ok: false, error: 'The consent response carries no state.', notFound: true };
  const [conn] = await db
    .update(s.azureConnections)
    .set({ consentState: null })
    .where(and(eq(s.azureConnections.organizationId, organizationId), eq(s.azureConnections.consentState, state)))
    .returning();
  if (!conn) return { ok: false, error: 'This consent response does not belong to a connection you started connecting.', notFound: true };
  const error = params.get('error');
  if (error) {
    const code = /AADSTS(\d+)/.exec(params.get('error_description') ?? '')?.[1];
    const words = (code && CONSENT_WORDS[code]) ?? `Microsoft did not grant consent (${error}).`;
    const detail = code ? `${words} (AADSTS${code})` : words;
    await db.update(s.azureConnections).set({ status: 'failed', statusDetail: detail, updatedAt: new Date() }).where(eq(s.azureConnections.id, conn.id));
    return { ok: false, error: detail };
  }
  // Microsoft's tenant value only labels the connection; the token request below is what proves access.
  const tenantId = params.get('tenant');
  await db
    .update(s.azureConnections)
    .set({ consentedAt: new Date(), tenantId: tenantId && /^[0-9a-f-]{36}$/i.test(tenantId) ? tenantId.toLowerCase() : conn.tenantId })
    .where(eq(s.azureConnections.id, conn.id));
  return verifyConnection(db, organizationId, conn.id, fetchImpl);
}

/** A client-credentials token and one Graph read; the status says connected or what is wrong, in words. */
export async function verifyConnection(db: Db, organizationId: string, connectionId: string, fetchImpl?: typeof fetch): Promise<Result> {
  const [conn] = await db.select().from(s.azureConnections).where(and(eq(s.azureConnections.organizationId, organizationId), eq(s.azureConnections.id, connectionId)));
  if (!conn) return { ok: false, error: 'That connection does not exist.', notFound: true };
  const env = getEnv();
  try {
    const graph = graphClientFor(conn, { fetch: fetchImpl, maxAttempts: 3 });
    await graph.verify();
  } catch (err) {
    const detail = err instanceof Error && (err instanceof GraphError || err.name === 'SecretUnreadableError') ? err.message : 'Could not reach Microsoft; try again.';
    if (!(err instanceof GraphError)) console.error('azure verify failed', { connectionId, err });
    await db.update(s.azureConnections).set({ status: 'failed', statusDetail: detail, updatedAt: new Date() }).where(eq(s.azureConnections.id, conn.id));
    return { ok: false, error: detail };
  }
  await db
    .update(s.azureConnections)
    .set({ status: 'connected', statusDetail: null, consecutiveFailures: 0, reconnectAt: null, nextSyncAt: new Date(), updatedAt: new Date() })
    .where(eq(s.azureConnections.id, conn.id));
  return { ok: true, id: conn.id };
}

/** The mass-deactivation guard's question, answered: apply the held-back deactivations, or drop them. Audited. */
export async function decidePausedRun(db: Db, organizationId: string, actorPersonId: string, runId: string, decision: 'confirm' | 'discard'): Promise<Result> {
  return db.transaction(async (tx) => {
    const [run] = await tx
      .select()
      .from(s.azureSyncRuns)
      .where(and(eq(s.azureSyncRuns.organizationId, organizationId), eq(s.azureSyncRuns.id, runId), eq(s.azureSyncRuns.status, 'awaiting_confirmation')))
      .for('update');
    if (!run) return { ok: false, error: 'That sync run is not waiting for a decision.', notFound: true } as Result;
    const [conn] = await tx.select().from(s.azureConnections).where(and(eq(s.azureConnections.organizationId, organizationId), eq(s.azureConnections.id, run.connectionId)));
    if (!conn) return { ok: false, error: 'That connection does not exist.', notFound: true } as Result;
    const at = new Date();
    const deactivated = decision === 'confirm' ? await applyDeactivations(tx, conn, run.id, run.pendingDeactivations, at) : 0;
    await tx
      .update(s.azureSyncRuns)
      .set({
        status: decision === 'confirm' ? 'succeeded' : 'cancelled',
        deactivated,
        pendingDeactivations: [],
        error: decision === 'discard' ? `An admin kept ${run.pendingDeactivations.length} people active instead of deactivating them.` : null,
        finishedAt: at,
      })
      .where(eq(s.azureSyncRuns.id, run.id));
    await tx
      .update(s.azureConnections)
      .set({ status: 'connected', statusDetail: null, nextSyncAt: at, updatedAt: at })
      .where(eq(s.azureConnections.id, conn.id));
    await tx.insert(s.provisioningEvents).values({
      organizationId,
      type: 'settings_changed',
      source: 'admin',
      actorPersonId,
      diff: { massDeactivation: { before: run.pendingDeactivations.length, after: deactivated } },
      detail: { what: decision === 'confirm' ? 'azure_sync.deactivations_confirmed' : 'azure_sync.deactivations_discarded', runId: run.id },
    });
    return { ok: true, id: run.id } as Result;
  });
}

export type RunRow = typeof s.azureSyncRuns.$inferSelect & { pendingCount: number };

export async function listRuns(db: Db, organizationId: string, limit = 20): Promise<RunRow[]> {
  const rows = await db.select().from(s.azureSyncRuns).where(eq(s.azureSyncRuns.organizationId, organizationId)).orderBy(desc(s.azureSyncRuns.startedAt)).limit(limit);
  return rows.map((r) => ({ ...r, pendingCount: r.pendingDeactivations.length, pendingDeactivations: [] }));
}
