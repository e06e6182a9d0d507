import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { getEnv } from '@/lib/env';
import type { GuardValues } from '@/lib/settings/schemas';
import { getJackson, SSO_PATHS } from '@/lib/sso/jackson';
import { SCIM_PROVIDERS, type DirectoryInput, type DirectorySecret, type DirectorySummary, type ScimProvider } from './schemas';

// SCIM directories of an organization. Jackson keeps the directory and the users and
// groups the IdP pushes; we keep which organization it belongs to, its name, and the
// bearer token (hashed) the IdP must send.

/**
 * Every directory lives under one Jackson tenant and product. Jackson's SCIM handler keeps
 * the tenant of the request it is serving on shared objects, so two requests for different
 * tenants at once could write into each other's store; with one tenant they never differ.
 * Which organization a directory belongs to is ours (scim_directories), checked on every request.
 */
export const SCIM_TENANT = 'auth-provision';
export const SCIM_PRODUCT = 'auth-provision-scim';

export function newToken(): string {
  return `scim_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenMatches(presented: string, hash: string): boolean {
  const a = Buffer.from(hashToken(presented), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The base URL the IdP is given. Entra ID gets `?aadOptscim062020`, which makes it send RFC-conformant PATCH bodies. */
export function scimEndpoint(id: string, provider: string): string {
  const base = `${getEnv().appUrl}${SSO_PATHS.scim}/${id}`;
  return provider === 'azure-scim-v2' ? `${base}?aadOptscim062020` : base;
}

export async function createDirectory(db: Db, organizationId: string, input: DirectoryInput): Promise<DirectorySecret> {
  const { directorySyncController: dsync } = await getJackson();
  const { data, error } = await dsync.directories.create({ name: input.name, tenant: SCIM_TENANT, product: SCIM_PRODUCT, type: input.provider });
  if (error || !data) throw new Error(`Jackson refused the directory: ${error?.message ?? 'no data'}`);
  const token = newToken();
  try {
    await db.insert(s.scimDirectories).values({ id: data.id, organizationId, name: input.name, provider: input.provider, tokenHash: hashToken(token) });
  } catch (err) {
    await dsync.directories.delete(data.id);
    throw err;
  }
  return { id: data.id, endpoint: scimEndpoint(data.id, input.provider), token };
}

export async function listDirectories(db: Db, organizationId: string): Promise<DirectorySummary[]> {
  const rows = await db
    .select({
      d: s.scimDirectories,
      users: sql<number>`(select count(*)::int from ${s.scimDirectoryUsers} u where u.directory_id = ${s.scimDirectories.id} and u.organization_id = ${organizationId} and not u.removed)`,
      groups: sql<number>`(select count(*)::int from ${s.scimDirectoryGroups} g where g.directory_id = ${s.scimDirectories.id} and g.organization_id = ${organizationId})`,
    })
    .from(s.scimDirectories)
    .where(eq(s.scimDirectories.organizationId, organizationId))
    .orderBy(asc(s.scimDirectories.createdAt));
  return rows.map(({ d, users, groups }) => ({
    id: d.id,
    name: d.name,
    provider: d.provider as ScimProvider,
    providerLabel: SCIM_PROVIDERS[d.provider as ScimProvider] ?? d.provider,
    endpoint: scimEndpoint(d.id, d.provider),
    tokenCreatedAt: d.tokenCreatedAt,
    lastRequestAt: d.lastRequestAt,
    users,
    groups,
    guardPercent: d.guardPercent,
    guardMinimum: d.guardMinimum,
    held: d.heldDeactivations.length,
    createdAt: d.createdAt,
  }));
}

/** A new token; the old one stops working at once. Null: no such directory in this organization. */
export async function rotateToken(db: Db, organizationId: string, id: string): Promise<DirectorySecret | null> {
  const token = newToken();
  const [row] = await db
    .update(s.scimDirectories)
    .set({ tokenHash: hashToken(token), tokenCreatedAt: new Date() })
    .where(and(eq(s.scimDirectories.organizationId, organizationId), eq(s.scimDirectories.id, id)))
    .returning({ id: s.scimDirectories.id, provider: s.scimDirectories.provider });
  return row ? { id: row.id, endpoint: scimEndpoint(row.id, row.provider), token } : null;
}

/**
 * The directory's mass-deactivation guard, audited before → after (nothing when unchanged).
 * Deactivations already held stay held. False: no such directory in this organization.
 */
export async function saveGuard(db: Db, organizationId: string, actorPersonId: string, id: string, values: GuardValues): Promise<boolean> {
  return db.transaction(async (tx) => {
    const where = and(eq(s.scimDirectories.organizationId, organizationId), eq(s.scimDirectories.id, id));
    const [before] = await tx.select({ guardPercent: s.scimDirectories.guardPercent, guardMinimum: s.scimDirectories.guardMinimum }).from(s.scimDirectories).where(where).for('update');
    if (!before) return false;
    const after = { guardPercent: values.guardPercent, guardMinimum: values.guardMinimum };
    if (before.guardPercent === after.guardPercent && before.guardMinimum === after.guardMinimum) return true;
    await tx.update(s.scimDirectories).set(after).where(where);
    await tx.insert(s.provisioningEvents).values({
      organizationId,
      type: 'settings_changed',
      source: 'admin',
      actorPersonId,
      diff: { 'scim_directory.guard': { before, after } },
      detail: { what: 'scim_directory.guard', directoryId: id },
    });
    return true;
  });
}

/**
 * Deletes the directory here and in Jackson (with the users and groups it stored). People
 * it created stay as they are: deleting a connection is not a leaver event.
 */
export async function deleteDirectory(db: Db, organizationId: string, id: string): Promise<boolean> {
  const [row] = await db
    .delete(s.scimDirectories)
    .where(and(eq(s.scimDirectories.organizationId, organizationId), eq(s.scimDirectories.id, id)))
    .returning({ id: s.scimDirectories.id });
  if (!row) return false;
  const { directorySyncController: dsync } = await getJackson();
  await dsync.directories.delete(id);
  return true;
}

/** One directory of this organization by id, or null (another organization's id included). */
export async function getDirectory(db: Db, organizationId: string, id: string) {
  const [row] = await db
    .select()
    .from(s.scimDirectories)
    .where(and(eq(s.scimDirectories.organizationId, organizationId), eq(s.scimDirectories.id, id)));
  return row ?? null;
}
