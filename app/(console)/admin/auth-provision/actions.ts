'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { adminAction, type ActionResult } from '@/lib/auth/action';
import { recordSettingsChange } from '@/lib/audit/settings';
import { describeChanges } from '@/lib/audit/log';
import { getDb } from '@/lib/db/client';
import { normalizeIdentity } from '@/lib/provisioning/normalize';
import { REASONS } from '@/lib/provisioning/reasons';
import { parseAttributeLines, previewSchema, type PreviewOutcome } from '@/lib/settings/preview-schema';
import { describeRule, markMatchedGroups } from '@/lib/settings/rules';
import { deleteRule, saveMethod, saveRule } from '@/lib/settings/mapping-rules';
import { attributeMappingSchema, mappingRuleSchema, provisioningMethodSchema } from '@/lib/settings/schemas';
import { deleteAttributeMapping, saveAttributeMapping } from '@/lib/settings/attribute-mappings';
import { saveRequireAdminTwoFactor } from '@/lib/settings/sign-in-security';
import { identityScope } from '@/lib/sso/login';
import { previewLogin } from '@/lib/users/provision';
import { createDirectory, deleteDirectory, rotateToken, saveGuard } from '@/lib/scim/directories';
import { settleHeldDeactivations } from '@/lib/scim/events';
import { directoryGuardSchema, directoryIdSchema, directorySchema, type DirectorySecret } from '@/lib/scim/schemas';
import { createOidcConnection, createSamlConnection, deleteConnection, oidcConnectionSchema, samlConnectionSchema, type ConnectionResult } from '@/lib/sso/connections';

const PAGE = '/admin/auth-provision';

async function afterCreate(result: ConnectionResult, viewer: { organizationId: string; personId: string }): Promise<ActionResult> {
  if (!result.ok) return { ok: false, error: result.error, fieldErrors: result.fieldErrors };
  const { kind, protocol, idp } = result.connection;
  await recordSettingsChange(getDb(), { organizationId: viewer.organizationId, actorPersonId: viewer.personId, what: `sso_connection.${kind}`, after: { protocol, idp } });
  revalidatePath(PAGE);
  return { ok: true };
}

export const addSamlConnection = adminAction(samlConnectionSchema, async (input, viewer) => afterCreate(await createSamlConnection(viewer.organizationId, input), viewer));

export const addOidcConnection = adminAction(oidcConnectionSchema, async (input, viewer) => afterCreate(await createOidcConnection(viewer.organizationId, input), viewer));

export const removeSsoConnection = adminAction(z.object({ kind: z.enum(['sso', 'kaseyaone']) }), async ({ kind }, viewer) => {
  if (!(await deleteConnection(viewer.organizationId, kind))) return { ok: false, error: 'That connection no longer exists.' };
  await recordSettingsChange(getDb(), { organizationId: viewer.organizationId, actorPersonId: viewer.personId, what: `sso_connection.${kind}`, before: 'connected', after: null });
  revalidatePath(PAGE);
  return { ok: true };
});


/** Login preview: what the decision core would do right now for this identity. Writes nothing. */
export const previewLoginAction = adminAction(previewSchema, async (input, viewer): Promise<ActionResult<PreviewOutcome>> => {
  const db = getDb();
  const identity = normalizeIdentity(input.source, identityScope(input.source, viewer.organizationId), {
    email: input.email,
    firstName: input.firstName,
    lastName: input.lastName,
    groups: input.groups,
    domain: input.domain || undefined,
    products: input.products.trim() ? input.products.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : undefined,
    partnerOrgId: input.partnerOrgId || undefined,
    raw: parseAttributeLines(input.attributes),
  });
  const decision = await previewLogin(db, { organizationId: viewer.organizationId, identity });
  const matched = decision.ruleId ? await describeRule(db, viewer.organizationId, decision.ruleId) : null;
  const rule = matched?.text ?? null;
  const groups = { groups: markMatchedGroups(identity.groups, matched?.securityGroup ?? null), ruleAnyGroup: matched !== null && matched.securityGroup === null };
  if (decision.outcome === 'deny') {
    return { ok: true, data: { outcome: 'deny', action: null, reason: decision.reason, reasonTitle: REASONS[decision.reason].title, detail: decision.detail, rule, changes: [], warnings: [], ...groups } };
  }
  const changes = await describeChanges(db, viewer.organizationId, decision.changes as Record<string, { before: unknown; after: unknown }>);
  return { ok: true, data: { outcome: 'allow', action: decision.action, reason: null, reasonTitle: null, detail: null, rule, changes, warnings: decision.warnings, ...groups } };
});

export const saveMethodAction = adminAction(provisioningMethodSchema, async ({ method }, viewer) => {
  await saveMethod(getDb(), viewer.organizationId, viewer.personId, method);
  revalidatePath(PAGE);
  return { ok: true };
});

export const saveRuleAction = adminAction(mappingRuleSchema, async (input, viewer) => {
  const res = await saveRule(getDb(), viewer.organizationId, viewer.personId, input);
  if (!res.ok) return res;
  revalidatePath(PAGE);
  return { ok: true };
});

export const deleteRuleAction = adminAction(z.object({ id: z.uuid() }), async ({ id }, viewer) => {
  const res = await deleteRule(getDb(), viewer.organizationId, viewer.personId, id);
  if (!res.ok) return res;
  revalidatePath(PAGE);
  return { ok: true };
});

export const saveAttributeMappingAction = adminAction(attributeMappingSchema, async (input, viewer) => {
  const res = await saveAttributeMapping(getDb(), viewer.organizationId, viewer.personId, input);
  if (res.ok) revalidatePath(PAGE);
  return res;
});

export const deleteAttributeMappingAction = adminAction(z.object({ id: z.uuid() }), async ({ id }, viewer) => {
  const res = await deleteAttributeMapping(getDb(), viewer.organizationId, viewer.personId, id);
  if (res.ok) revalidatePath(PAGE);
  return res;
});

/** Directory Sync (SCIM): the token comes back once, in this answer only. */
export const addDirectoryAction = adminAction(directorySchema, async (input, viewer): Promise<ActionResult<DirectorySecret>> => {
  const db = getDb();
  const secret = await createDirectory(db, viewer.organizationId, input);
  await recordSettingsChange(db, { organizationId: viewer.organizationId, actorPersonId: viewer.personId, what: 'scim_directory', after: { id: secret.id, name: input.name, provider: input.provider } });
  revalidatePath(PAGE);
  return { ok: true, data: secret };
});

export const rotateDirectoryTokenAction = adminAction(directoryIdSchema, async ({ id }, viewer): Promise<ActionResult<DirectorySecret>> => {
  const db = getDb();
  const secret = await rotateToken(db, viewer.organizationId, id);
  if (!secret) return { ok: false, error: 'That directory no longer exists.' };
  await recordSettingsChange(db, { organizationId: viewer.organizationId, actorPersonId: viewer.personId, what: 'scim_directory.token', before: 'previous token', after: 'new token' });
  revalidatePath(PAGE);
  return { ok: true, data: secret };
});

export const deleteDirectoryAction = adminAction(directoryIdSchema, async ({ id }, viewer) => {
  const db = getDb();
  if (!(await deleteDirectory(db, viewer.organizationId, id))) return { ok: false, error: 'That directory no longer exists.' };
  await recordSettingsChange(db, { organizationId: viewer.organizationId, actorPersonId: viewer.personId, what: 'scim_directory', before: { id }, after: null });
  revalidatePath(PAGE);
  return { ok: true };
});

/** The mass-deactivation guard's thresholds of one directory (audited by the service). */
export const saveDirectoryGuardAction = adminAction(directoryGuardSchema, async ({ id, ...values }, viewer) => {
  if (!(await saveGuard(getDb(), viewer.organizationId, viewer.personId, id, values))) return { ok: false, error: 'That directory no longer exists.' };
  revalidatePath(PAGE);
  return { ok: true };
});

/** The mass-deactivation guard's held deactivations: confirm (apply them) or discard. */
export const settleHeldAction = adminAction(directoryIdSchema.extend({ confirm: z.boolean() }), async ({ id, confirm }, viewer) => {
  const db = getDb();
  const done = await settleHeldDeactivations(db, viewer.organizationId, id, confirm);
  if (done === null) return { ok: false, error: 'That directory no longer exists.' };
  await recordSettingsChange(db, { organizationId: viewer.organizationId, actorPersonId: viewer.personId, what: 'scim_directory.held_deactivations', before: 'held', after: confirm ? `confirmed (${done} deactivated)` : 'discarded' });
  revalidatePath(PAGE);
  return { ok: true };
});

export const saveRequireAdminTwoFactorAction = adminAction(z.object({ required: z.boolean() }), async ({ required }, viewer) => {
  await saveRequireAdminTwoFactor(getDb(), viewer.organizationId, viewer.personId, required);
  revalidatePath(PAGE);
  return { ok: true };
});
