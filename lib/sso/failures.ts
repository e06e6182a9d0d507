import { randomUUID } from 'node:crypto';
import saml from '@boxyhq/saml20';
import { DOMParser } from '@xmldom/xmldom';
import { eq, lt, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import * as s from '@/lib/db/schema';
import { SSO_FAILURE_REASONS, type SsoFailureReason } from '@/lib/provisioning/reasons';
import { getJackson, kindOfProduct, PLATFORM_TENANT, type SsoKind } from './jackson';

// A single sign-on step that failed (bad signature, replay, expiry, unknown IdP…). The
// person sees a reference on /auth/error; the admin pastes it into the Provisioning Log.
// So the failure is recorded: as an `sso_failed` event of the organization when the
// request names one (the SAML response's issuer is one of its connections, or the
// authorize request its tenant), otherwise in `sso_failures`, which the log's reference
// search also reads. The issuer a response names is a claim nobody has verified yet (the
// signature check is what failed), which the event says.


const PATTERNS: [RegExp, SsoFailureReason][] = [
  [/replayed/i, 'sso_replayed'],
  [/^no (SAMLResponse|code)\b/i, 'sso_no_response'],
  [/signature/i, 'sso_signature_invalid'],
  [/audience/i, 'sso_audience_invalid'],
  [/expired|NotBefore|NotOnOrAfter/i, 'sso_expired'],
  [/InResponseTo|state|code_verifier|Invalid code\b/i, 'sso_request_mismatch'],
  [/connection not found|config mismatch|Invalid tenant or product|Couldn.t find|unknown issuer/i, 'sso_unknown_connection'],
  [/Status Code/i, 'sso_idp_refused'],
  [/Invalid XML|multirooted|Undefined (Encrypted |Encryption )?Assertion|Invalid assertion|Multiple Assertion|not supported/i, 'sso_invalid_response'],
];

/** The reason code for a failure's message (Jackson's and its SAML library's wording). */
export function failureReason(message: string): SsoFailureReason {
  return PATTERNS.find(([re]) => re.test(message))?.[1] ?? 'sso_failed';
}

/** What the failing request tells about where it came from. */
export type FailureContext = { samlResponse?: string; params?: Record<string, string> };

type Origin = { organizationId: string | null; kind: SsoKind | null; issuer: string | null; connections: number };

const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** What a SAML response shows before anything in it is trusted: its issuer (unverified) and whether it carries any signature. */
export function readResponse(samlResponseBase64: string): { xml: boolean; issuer: string | null; signed: boolean } {
  const text = Buffer.from(samlResponseBase64, 'base64').toString('utf8');
  try {
    const doc = new DOMParser({ onError: () => {} }).parseFromString(text, 'text/xml');
    if (!doc.documentElement) return { xml: false, issuer: null, signed: false };
    const issuer = saml.parseIssuer(text)?.trim() || null;
    return { xml: true, issuer: issuer?.slice(0, 1024) ?? null, signed: doc.getElementsByTagNameNS(DSIG_NS, 'Signature').length > 0 };
  } catch {
    return { xml: false, issuer: null, signed: false };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The organization (and login source) a failed request points at, when exactly one does. */
async function originOf(ctx: FailureContext, issuer: string | null): Promise<Origin> {
  const fromTenant = (tenant: string | undefined, product: string | undefined, connections: number): Origin | null =>
    tenant && tenant !== PLATFORM_TENANT && UUID.test(tenant) ? { organizationId: tenant, kind: kindOfProduct(product), issuer, connections } : null;
  const found = ctx.params && fromTenant(ctx.params.tenant, ctx.params.product, 0);
  if (found) return found;
  if (!issuer) return { organizationId: null, kind: null, issuer, connections: 0 };
  const { connectionAPIController } = await getJackson();
  const connections = await connectionAPIController.getConnections({ entityId: issuer });
  const tenants = new Map(connections.map((c) => [c.tenant, c.product]));
  const [only] = tenants.size === 1 ? [...tenants] : [];
  return (only && fromTenant(only[0], only[1], connections.length)) || { organizationId: null, kind: null, issuer, connections: connections.length };
}

/** The reason: the library's words, corrected by what the response itself shows (Jackson words some of these vaguely). */
function reasonFor(message: string, response: ReturnType<typeof readResponse> | null, origin: Origin | null): SsoFailureReason {
  const said = failureReason(message);
  if (!response || said === 'sso_replayed') return said;
  if (!response.xml) return 'sso_invalid_response';
  if (response.issuer && origin && origin.connections === 0 && !origin.organizationId) return 'sso_unknown_connection';
  if (response.issuer && !response.signed) return 'sso_signature_invalid';
  return said;
}

/**
 * Records a failed SSO step and returns the reference to show. Never throws: when the
 * record cannot be written the reference still goes to the server log.
 */
export async function recordSsoFailure(db: Db, step: string, err: unknown, ctx: FailureContext = {}): Promise<string> {
  const message = (err as { message?: string })?.message ?? String(err);
  const response = ctx.samlResponse ? readResponse(ctx.samlResponse) : null;
  let ref: string = randomUUID();
  let reasonCode = failureReason(message);
  try {
    const origin = await originOf(ctx, response?.issuer ?? null);
    reasonCode = reasonFor(message, response, origin);
    // Our own words for the admin; the library's message (which may quote the response) stays in the server log.
    const detail = { step, detail: SSO_FAILURE_REASONS[reasonCode] };
    const issuerDetail = origin.issuer ? { issuer: origin.issuer } : {};
    ref = (origin.organizationId && (await organizationEvent(db, origin.organizationId, origin.kind, reasonCode, { ...detail, ...issuerDetail }))) || (await unattributed(db, step, reasonCode, origin.issuer, detail));
  } catch (writeErr) {
    console.error(`[sso] could not record the failure (ref ${ref}):`, (writeErr as Error)?.message ?? writeErr);
  }
  console.warn(`[sso] ${step} failed (ref ${ref}, ${reasonCode}): ${message}`);
  return ref;
}

/** The organization's event; null when the id named no organization (a made-up tenant). */
async function organizationEvent(db: Db, organizationId: string, kind: SsoKind | null, reasonCode: SsoFailureReason, detail: Record<string, unknown>): Promise<string | null> {
  const [org] = await db.select({ id: s.organizations.id }).from(s.organizations).where(eq(s.organizations.id, organizationId));
  if (!org) return null;
  const [row] = await db
    .insert(s.provisioningEvents)
    .values({ organizationId, type: 'sso_failed', reasonCode, source: kind ?? 'sso', detail })
    .returning({ id: s.provisioningEvents.id });
  return row?.id ?? null;
}

async function unattributed(db: Db, step: string, reasonCode: SsoFailureReason, issuer: string | null, detail: Record<string, unknown>): Promise<string> {
  const [row] = await db.insert(s.ssoFailures).values({ step, reasonCode, issuer, detail }).returning({ id: s.ssoFailures.id });
  // Kept 30 days; the opportunistic clean-up keeps the table from growing without bound.
  if (Math.random() < 0.02) await db.delete(s.ssoFailures).where(lt(s.ssoFailures.createdAt, sql`now() - interval '30 days'`));
  return row!.id;
}

/** A failure no organization could be tied to, found by its reference. */
export async function findUnattributedFailure(db: Db, ref: string) {
  const [row] = await db.select().from(s.ssoFailures).where(eq(s.ssoFailures.id, ref));
  return row ? { id: row.id, step: row.step, reasonCode: row.reasonCode, createdAt: row.createdAt } : null;
}
