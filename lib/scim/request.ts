import { z } from 'zod';
import { CORE_USER, ENTERPRISE_USER } from '@/lib/provisioning/scim';

// What a SCIM request must look like before Jackson sees it (RFC 7644), and the small
// rewrites that let Jackson's handler apply what Entra ID and Okta actually send. A body
// that fails here gets a SCIM error with its scimType; Jackson never sees it.

export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const MAX_BODY_BYTES = 1_000_000;

export type ScimType = 'invalidSyntax' | 'invalidValue' | 'invalidFilter' | 'invalidPath' | 'noTarget' | 'uniqueness' | 'tooMany';
export type ScimResponse = { status: number; body: unknown };

export function scimError(status: number, detail: string, scimType?: ScimType): ScimResponse {
  return { status, body: { schemas: [SCIM_ERROR], status: String(status), ...(scimType ? { scimType } : {}), detail } };
}

const text = (max: number) => z.string().max(max);
const bool = z.union([z.boolean(), z.string().regex(/^(true|false)$/i)]);
const multiValue = z.looseObject({ value: z.union([text(1000), z.number()]).optional(), type: text(100).optional(), primary: bool.optional(), display: text(1000).optional() });

const userBody = z.looseObject({
  schemas: z.array(text(200)).max(20).optional(),
  userName: text(1000).trim().min(1, 'userName is required'),
  externalId: z.union([text(1000), z.number()]).optional(),
  name: z.looseObject({ givenName: text(1000).nullish(), familyName: text(1000).nullish(), formatted: text(2000).nullish() }).optional(),
  displayName: text(1000).nullish(),
  title: text(1000).nullish(),
  active: bool.optional(),
  emails: z.array(multiValue).max(100).optional(),
  phoneNumbers: z.array(multiValue).max(100).optional(),
  [ENTERPRISE_USER]: z
    .looseObject({ department: text(1000).nullish(), manager: z.union([text(1000), z.looseObject({ value: text(1000).nullish() })]).nullish() })
    .optional(),
});

const groupBody = z.looseObject({
  schemas: z.array(text(200)).max(20).optional(),
  displayName: text(1000).trim().min(1, 'displayName is required'),
  externalId: z.union([text(1000), z.number()]).optional(),
  members: z.array(z.looseObject({ value: text(1000) })).max(10_000).optional(),
});

const patchBody = z.looseObject({
  schemas: z.array(text(200)).max(20).optional(),
  Operations: z
    .array(
      z.looseObject({
        op: z.string().regex(/^(add|replace|remove)$/i, 'op must be add, replace or remove'),
        path: text(1000).optional(),
        value: z.unknown().optional(),
      }),
    )
    .min(1, 'Operations must not be empty')
    .max(1000),
});

export type PatchOp = { op: 'add' | 'replace' | 'remove'; path?: string; value?: unknown };

export type Resource = 'Users' | 'Groups';

/** Parses and checks a body for this method and resource. */
export function parseBody(resource: Resource, method: string, text: string): { ok: true; body: Record<string, unknown> } | { ok: false; error: ScimResponse } {
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { ok: false, error: scimError(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`) };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: scimError(400, 'The body is not valid JSON.', 'invalidSyntax') };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, error: scimError(400, 'The body must be a JSON object.', 'invalidSyntax') };
  const schema = method === 'PATCH' ? patchBody : resource === 'Users' ? userBody : groupBody;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    return { ok: false, error: scimError(400, `${where}${issue.message}`, missing || method === 'PATCH' ? 'invalidSyntax' : 'invalidValue') };
  }
  const body = parsed.data as Record<string, unknown>;
  if (method === 'PATCH') body.Operations = normalizeOperations(resource, body.Operations as PatchOp[]);
  return { ok: true, body };
}

/**
 * Entra ID and Okta PATCH bodies rewritten into what Jackson's handler applies: ops in
 * lower case (Entra sends "Replace"), "True"/"False" as booleans, the core schema URN
 * dropped from paths, and enterprise-extension attributes addressed as
 * `["urn…:User"].department` — a path with the URN's ":2.0:" would otherwise be split
 * at its dot.
 */
export function normalizeOperations(resource: Resource, ops: PatchOp[]): PatchOp[] {
  const out: PatchOp[] = [];
  for (const raw of ops) {
    const op = raw.op.toLowerCase() as PatchOp['op'];
    if (resource === 'Groups') {
      out.push({ ...raw, op });
      continue;
    }
    if (raw.path) {
      out.push({ op, path: userPath(raw.path), value: userValue(raw.path, raw.value) });
      continue;
    }
    // No path: the value holds attributes by name, which may be URNs or an extension object.
    if (typeof raw.value !== 'object' || raw.value === null || Array.isArray(raw.value)) {
      out.push({ op, value: raw.value });
      continue;
    }
    const plain: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw.value)) {
      if (k === ENTERPRISE_USER && typeof v === 'object' && v !== null && !Array.isArray(v)) {
        for (const [sub, subValue] of Object.entries(v)) out.push({ op, path: userPath(`${ENTERPRISE_USER}:${sub}`), value: subValue });
      } else if (k.startsWith(`${ENTERPRISE_USER}:`)) {
        out.push({ op, path: userPath(k), value: v });
      } else {
        const key = k.startsWith(`${CORE_USER}:`) ? k.slice(CORE_USER.length + 1) : k;
        plain[key] = userValue(key, v);
      }
    }
    if (Object.keys(plain).length) out.push({ op, value: plain });
  }
  return out;
}

function userPath(path: string): string {
  if (path.startsWith(`${ENTERPRISE_USER}:`)) {
    const attr = path.slice(ENTERPRISE_USER.length + 1);
    return `["${ENTERPRISE_USER}"].${attr}`;
  }
  if (path.startsWith(`${CORE_USER}:`)) return path.slice(CORE_USER.length + 1);
  return path;
}

function userValue(path: string, value: unknown): unknown {
  if (path === 'active' && typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value;
}

/**
 * The filters served (RFC 7644 §3.4.2.2, `eq` only — what Entra ID and Okta send): Users by
 * `userName`, `id`, `externalId` or `emails[type eq "work"].value`; Groups by `displayName`.
 * `userName`/`displayName` go to Jackson's index (`filter`); the others are matched here
 * (`match`). Anything else is a 400 `invalidFilter`.
 */
export type UserMatch = { attribute: 'id' | 'externalId' | 'workEmail'; value: string };
export function parseFilter(
  resource: Resource,
  filter: string | null,
): { ok: true; filter: string | undefined; match?: UserMatch } | { ok: false; error: ScimResponse } {
  if (filter === null || filter.trim() === '') return { ok: true, filter: undefined };
  const served = resource === 'Users' ? 'userName, id, externalId or emails[type eq "work"].value' : 'displayName';
  const refused = { ok: false as const, error: scimError(400, `Only the filter <attribute> eq "value" with attribute ${served} is supported here.`, 'invalidFilter') };
  const m = filter.trim().match(/^(\w+|emails\[\s*type\s+eq\s+"work"\s*\]\.value)\s+eq\s+"((?:[^"\\]|\\.){1,1000})"$/i);
  if (!m) return refused;
  const attr = m[1]!.toLowerCase().replace(/\s+/g, ' ');
  const value = m[2]!.replace(/\\(.)/g, '$1');
  if (resource === 'Groups') return attr === 'displayname' ? { ok: true, filter: `displayName eq "${value}"` } : refused;
  if (attr === 'username') return { ok: true, filter: `userName eq "${value}"` };
  if (attr === 'id') return { ok: true, filter: undefined, match: { attribute: 'id', value } };
  if (attr === 'externalid') return { ok: true, filter: undefined, match: { attribute: 'externalId', value } };
  if (attr.startsWith('emails[')) return { ok: true, filter: undefined, match: { attribute: 'workEmail', value } };
  return refused;
}

/** Whether a stored SCIM user (Jackson's raw copy) matches: id and externalId exactly, an email case-insensitively (RFC 7643 caseExact). */
export function userMatches(raw: Record<string, unknown>, match: UserMatch): boolean {
  if (match.attribute === 'id') return raw.id === match.value;
  if (match.attribute === 'externalId') return raw.externalId !== undefined && String(raw.externalId) === match.value;
  const emails = Array.isArray(raw.emails) ? (raw.emails as { type?: unknown; value?: unknown }[]) : [];
  return emails.some((e) => typeof e === 'object' && e !== null && typeof e.type === 'string' && e.type.toLowerCase() === 'work' && typeof e.value === 'string' && e.value.toLowerCase() === match.value.toLowerCase());
}

/** startIndex and count (RFC 7644 §3.4.2.4): whole numbers; count 100 by default, at most 1000. */
export function parsePaging(query: URLSearchParams): { ok: true; startIndex: number; count: number } | { ok: false; error: ScimResponse } {
  const read = (name: string) => {
    const v = query.get(name);
    if (v === null || v === '') return undefined;
    return /^\d{1,9}$/.test(v) ? Number(v) : NaN;
  };
  const startIndex = read('startIndex');
  const count = read('count');
  if (Number.isNaN(startIndex) || Number.isNaN(count)) return { ok: false, error: scimError(400, 'startIndex and count must be whole numbers.', 'invalidValue') };
  // Without a count, a page of 100 (Jackson would return the whole directory).
  return { ok: true, startIndex: Math.max(1, startIndex ?? 1), count: Math.min(count ?? 100, 1000) };
}
