import { cleanEmail, cleanText, emailDomain } from './normalize';

// A SCIM 2.0 user (RFC 7643 §4.1, with the enterprise extension §4.3) as the directory
// decision reads it. Pure: the same record shape the Azure AD sync gives the core, so
// one decision (lib/provisioning/directory.ts) serves both.

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export type ScimRecord = {
  /** Named as the directory core reads them (givenName, surname, userPrincipalName, mail, businessPhones, jobTitle, accountEnabled). */
  data: Record<string, unknown>;
  /** The email's domain: what Mapping Rules match on. */
  domain: string | null;
};

/** SCIM booleans arrive as true/false or, from some IdPs, as "True"/"False". */
export function scimBoolean(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
  }
  return fallback;
}

type MultiValue = { value?: unknown; primary?: unknown; type?: unknown };

/** The primary value of a multi-valued attribute, else the work one, else the first. */
export function primaryValue(list: unknown): unknown {
  if (!Array.isArray(list)) return undefined;
  const items = list.filter((i): i is MultiValue => typeof i === 'object' && i !== null);
  const pick = items.find((i) => scimBoolean(i.primary, false)) ?? items.find((i) => typeof i.type === 'string' && i.type.toLowerCase() === 'work') ?? items[0];
  return pick?.value;
}

function object(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The enterprise extension's manager: `{ value: id }` in a resource, a bare id in some PATCH bodies. */
function managerId(value: unknown): string | null {
  if (typeof value === 'string') return cleanText(value);
  return cleanText(object(value).value);
}

/**
 * The SCIM user → the directory record fields, plus the attributes attribute mappings read
 * (every simple top-level attribute and the enterprise extension's, by their short names).
 */
export function scimUserRecord(raw: Record<string, unknown>): ScimRecord {
  const name = object(raw.name);
  const enterprise = object(raw[ENTERPRISE_USER]);
  const userName = cleanText(raw.userName);
  const mail = cleanEmail(primaryValue(raw.emails)) ?? cleanEmail(userName);
  const phone = cleanText(primaryValue(raw.phoneNumbers));
  const attributes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') attributes[k] = v;
  for (const [k, v] of Object.entries(enterprise)) {
    if (typeof v === 'string' || typeof v === 'number') attributes[k] = v;
  }
  const manager = managerId(enterprise.manager);
  if (manager) attributes.manager = manager;
  const data: Record<string, unknown> = {
    givenName: cleanText(name.givenName),
    surname: cleanText(name.familyName),
    displayName: cleanText(raw.displayName) ?? cleanText(name.formatted),
    userPrincipalName: userName,
    mail,
    businessPhones: phone ? [phone] : [],
    jobTitle: cleanText(raw.title),
    accountEnabled: scimBoolean(raw.active, true),
    department: cleanText(enterprise.department),
    manager,
    attributes,
  };
  return { data, domain: emailDomain(mail) };
}
