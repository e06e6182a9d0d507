import { creationChanges, diffFields, fieldAppliesTo } from './fields';
import { cleanEmail, cleanText } from './normalize';
import { ruleMatcher } from './rules';
import { REFERENCE_FIELDS, type EmployeeDefaults, type ExistingPerson, type FieldChanges, type MappingRule, type PersonFields, type PersonType, type ReferenceField } from './types';

// The Azure AD sync decision for one directory user (seed 003). Pure, like the login
// core, and built from the same parts: matchRule() for precedence, diffFields() for
// what changes and what a lock keeps.

export type EmailSource = 'mail' | 'user_principal_name' | 'other_mails';
export type PhoneType = 'office' | 'mobile' | 'home' | 'fax' | 'other';

export type DirectoryRecord = {
  objectId: string;
  /** The properties Graph sent (givenName, surname, userPrincipalName, mail, otherMails, businessPhones, jobTitle, accountEnabled…). */
  data: Record<string, unknown>;
  /** @removed from users/delta, or missing from a full round. */
  removed: boolean;
  /** Object ids of the mapped groups the user is a transitive member of. */
  groups: string[];
  /**
   * The stored copy of this user from the run before (what Azure AD said then, and the
   * object fields the sync then set), or null for a user never seen. A local edit to a
   * field stays while Azure AD's record of the user has not changed since.
   */
  previous: StoredDirectoryUser | null;
  /** The domain rules match this user on; absent = the context's tenant (Azure AD). SCIM: the email's domain. */
  domain?: string | null;
  /**
   * Person fields beyond the object fields (SCIM: enterprise department and manager, the
   * organization's attribute mappings): `create` for a new person, `update` on every change.
   * The matched rule's targets win over them, as on an SSO login.
   */
  extra?: { create: Partial<PersonFields>; update: Partial<PersonFields> };
};

export type StoredDirectoryUser = {
  data: Record<string, unknown>;
  applied: AppliedFields | null;
  /** As stored, when known: a row whose groups, person and applied fields stay the same is not written again. */
  groups?: readonly string[];
  personId?: string | null;
};

/** The fields mapped from the Azure AD user object (the rest come from the rule). */
export const OBJECT_FIELDS = ['firstName', 'lastName', 'username', 'email', 'phone', 'phoneType', 'jobTitleId'] as const;
export type ObjectField = (typeof OBJECT_FIELDS)[number];
/** The values the sync last gave the object fields, whether or not a lock or a local edit kept them out. */
export type AppliedFields = Partial<Record<ObjectField, string | null>>;

export type DirectoryContext = {
  /** Which directory speaks: Azure AD (polled through Graph, the default) or a SCIM directory (pushed). */
  source?: 'azure' | 'scim';
  organizationId: string;
  tenantId: string;
  rootPersonId: string | null;
  emailSource: EmailSource;
  defaults: EmployeeDefaults;
  defaultPhoneType: PhoneType;
  rules: readonly MappingRule[];
  /** ruleMatcher(rules), prepared once per run; built on first use when absent. */
  match?: (tenant: string | null, groups: readonly string[]) => MappingRule | null;
  /** lower-cased job title name → id. A title not found is created by the caller under that name. */
  jobTitles: Record<string, string>;
};

/** What the mapped Azure fields say, before rules and defaults. */
export type MappedUser = {
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  phone: string | null;
  jobTitle: string | null;
  enabled: boolean;
};

export type DirectoryRecordFields = PersonFields & { phoneType: PhoneType | null };

export type DirectoryPlan =
  | { kind: 'skip'; reason: DirectorySkipReason; detail: string; personId: string | null }
  | { kind: 'create'; record: DirectoryRecordFields; ruleId: string; changes: FieldChanges; applied: AppliedFields }
  | { kind: 'update'; personId: string; ruleId: string | null; changes: FieldChanges; link: boolean; applied: AppliedFields }
  | { kind: 'deactivate'; personId: string; reason: DirectoryDeactivateReason; detail: string }
  | { kind: 'archive'; personId: string; archive: FieldChanges; record: DirectoryRecordFields; ruleId: string; changes: FieldChanges; applied: AppliedFields };

/** A person as the sync sees them: the phone type is one of the object fields. */
export type DirectoryPerson = ExistingPerson & { phoneType?: PhoneType | null };

export type DirectorySkipReason = 'missing_email' | 'no_matching_rule' | 'other_org' | 'person_removed' | 'email_conflict' | 'not_linked' | 'unchanged';
export type DirectoryDeactivateReason = 'azure_removed' | 'azure_disabled' | 'scim_deleted' | 'scim_inactive' | 'no_matching_rule';

export const ARCHIVED_SUFFIX = '_Archived';

/** Azure AD Email = mail, Microsoft Account Email = userPrincipalName, External AD Email = the first of otherMails. */
export function directoryEmail(data: Record<string, unknown>, emailSource: EmailSource): string | null {
  const otherMails = Array.isArray(data.otherMails) ? data.otherMails : [];
  return cleanEmail(emailSource === 'mail' ? data.mail : emailSource === 'user_principal_name' ? data.userPrincipalName : otherMails[0]);
}

export function mapDirectoryUser(data: Record<string, unknown>, emailSource: EmailSource): MappedUser {
  const upn = cleanText(data.userPrincipalName);
  const phones = Array.isArray(data.businessPhones) ? data.businessPhones : [];
  return {
    email: directoryEmail(data, emailSource),
    firstName: cleanText(data.givenName),
    lastName: cleanText(data.surname),
    username: upn ? upn.slice(0, upn.includes('@') ? upn.lastIndexOf('@') : upn.length) : null,
    phone: cleanText(phones[0]),
    jobTitle: cleanText(data.jobTitle),
    enabled: data.accountEnabled !== false,
  };
}

/**
 * One directory user → one plan. `byObjectId` is the person linked to this object id;
 * `byEmail` the person with the mapped email (any organization); `byEmailLinkedTo` the
 * object id of another user of this tenant, still in Azure AD, that person is linked to.
 */
export function decideDirectoryUser(
  ctx: DirectoryContext,
  user: DirectoryRecord,
  byObjectId: DirectoryPerson | null,
  byEmail: DirectoryPerson | null,
  byEmailLinkedTo: string | null = null,
): DirectoryPlan {
  const linked = byObjectId;
  const isRoot = (p: DirectoryPerson | null) => isRootPerson(ctx, p);

  const where = directoryLabel(ctx);
  const scim = ctx.source === 'scim';
  if (user.removed) {
    if (!linked) return skip('not_linked', `Removed in ${where}; no person is linked to it.`);
    if (isRoot(linked)) return skip('unchanged', `Removed in ${where}, but the root user is never deactivated.`, linked.id);
    if (linked.status !== 'active') return skip('unchanged', `Removed in ${where}; the person is already ${linked.status}.`, linked.id);
    return { kind: 'deactivate', personId: linked.id, reason: scim ? 'scim_deleted' : 'azure_removed', detail: `The user was deleted in ${where}.` };
  }

  const m = mapDirectoryUser(user.data, ctx.emailSource);
  if (!m.email) {
    const source = { mail: 'mail', user_principal_name: 'userPrincipalName', other_mails: 'otherMails' }[ctx.emailSource];
    return skip('missing_email', scim ? 'The user has no usable email (emails or an email-shaped userName).' : `The user has no usable email in ${source}.`, linked?.id ?? null);
  }
  if (linked && byEmail && linked.id !== byEmail.id && byEmail.status !== 'archived') {
    return skip('email_conflict', `${where} now gives ${m.email}, which another person already uses.`, linked.id);
  }
  // Two users of one tenant never share a person: the one linked first keeps it.
  if (!linked && byEmail && byEmailLinkedTo !== null && byEmailLinkedTo !== user.objectId) {
    return skip('email_conflict', `${m.email} belongs to a person already linked to another ${where} user (${byEmailLinkedTo}).`);
  }
  const person = linked ?? byEmail;
  if (person && person.organizationId !== ctx.organizationId) return skip('other_org', `${m.email} belongs to another organization.`);
  if (person?.removedByAdmin) return skip('person_removed', 'An admin removed this person; the sync does not bring them back.', person.id);

  if (!m.enabled) {
    if (!person || !linked) return skip('not_linked', `The account is disabled in ${where}.`, person?.id ?? null);
    if (isRoot(person) || person.status !== 'active') return skip('unchanged', `Disabled in ${where}; nothing to change.`, person.id);
    return scim
      ? { kind: 'deactivate', personId: person.id, reason: 'scim_inactive', detail: `The directory set the user inactive (active: false).` }
      : { kind: 'deactivate', personId: person.id, reason: 'azure_disabled', detail: 'Sign-in is blocked for the user in Azure AD.' };
  }

  ctx.match ??= ruleMatcher(ctx.rules);
  const rule = ctx.match(user.domain !== undefined ? user.domain : ctx.tenantId, user.groups);
  if (!rule) {
    if (isRoot(person)) return rootUpdate(ctx, person!, user, m, !linked);
    if (person && linked && person.status === 'active') {
      return { kind: 'deactivate', personId: person.id, reason: 'no_matching_rule', detail: scim ? 'No mapping rule matches the user’s domain and groups any more.' : 'No Azure AD mapping rule matches the user’s groups any more.' };
    }
    const groups = user.groups.length ? user.groups.join(', ') : 'none';
    return skip('no_matching_rule', scim ? `No mapping rule matches domain ${user.domain ?? '(none)'} and groups [${groups}].` : `No Azure AD mapping rule matches tenant ${ctx.tenantId} and groups [${groups}].`, person?.id ?? null);
  }

  if (!person || person.status === 'archived') {
    // An archived row is only reachable by email, which it gave up: this is someone new.
    const record = newRecord(ctx, m, rule, user.extra?.create);
    return { kind: 'create', record, ruleId: rule.id, changes: creationChanges(record), applied: objectFields(ctx, m, rule.userType) };
  }
  if (rule.userType !== person.type && !isRoot(person)) {
    // The rules now make this person the other type: archive the old record, create the new one.
    const archive: FieldChanges = {
      status: { before: person.status, after: 'archived' },
      email: { before: person.email, after: `${person.email}${ARCHIVED_SUFFIX}` },
    };
    if (person.username) archive.username = { before: person.username, after: `${person.username}${ARCHIVED_SUFFIX}` };
    const record = newRecord(ctx, m, rule, user.extra?.create);
    return { kind: 'archive', personId: person.id, archive, record, ruleId: rule.id, changes: creationChanges(record), applied: objectFields(ctx, m, rule.userType) };
  }
  if (isRoot(person)) return rootUpdate(ctx, person, user, m, !linked);
  const { wanted: fromObject, applied } = objectUpdate(ctx, user, m, person);
  const wanted = { ...fromObject, ...applicable(user.extra?.update, person.type), ...ruleFields(rule, person.type) } as Partial<DirectoryRecordFields>;
  if (person.status === 'inactive') wanted.status = 'active';
  const changes = diffFields(person, wanted, person.lockedFields);
  return { kind: 'update', personId: person.id, ruleId: rule.id, changes, link: !linked, applied };
}

/** The root user keeps their role and type; only their names and contact details follow Azure AD. */
function rootUpdate(ctx: DirectoryContext, person: DirectoryPerson, user: DirectoryRecord, m: MappedUser, link: boolean): DirectoryPlan {
  const { wanted, applied } = objectUpdate(ctx, user, m, person);
  return { kind: 'update', personId: person.id, ruleId: null, changes: diffFields(person, wanted as Partial<DirectoryRecordFields>, person.lockedFields), link, applied };
}

/**
 * Which object fields this run writes (seed 003: "Any changes to synced record in BMS will
 * persist until the record is changed in Active Directory"). A user Azure AD changed since
 * the stored copy, or one never seen, gets every mapped field. Otherwise (a full resync, a
 * change of groups alone, a re-evaluation after a settings change) a field keeps its local
 * edit, and a field nobody edited follows the current settings.
 */
function objectUpdate(ctx: DirectoryContext, user: DirectoryRecord, m: MappedUser, person: DirectoryPerson): { wanted: AppliedFields; applied: AppliedFields } {
  const fresh = objectFields(ctx, m, person.type);
  const previous = user.previous;
  if (!previous) return { wanted: fresh, applied: fresh };
  const before = objectFields(ctx, mapDirectoryUser(previous.data, ctx.emailSource), person.type);
  if (OBJECT_FIELDS.some((f) => !sameValue(f, fresh[f], before[f]))) return { wanted: fresh, applied: fresh };
  const lastApplied = previous.applied ?? before;
  const wanted: AppliedFields = {};
  const applied: AppliedFields = {};
  for (const f of OBJECT_FIELDS) {
    const editedLocally = !sameValue(f, (person as Record<string, unknown>)[f], lastApplied[f]);
    if (editedLocally) applied[f] = lastApplied[f] ?? null;
    else {
      wanted[f] = fresh[f];
      applied[f] = fresh[f] ?? null;
    }
  }
  return { wanted, applied };
}

/** Absent and empty are the same value; emails compare ignoring case. */
function sameValue(field: ObjectField, a: unknown, b: unknown): boolean {
  return normalValue(field, a) === normalValue(field, b);
}

function normalValue(field: ObjectField, v: unknown): unknown {
  return v === undefined || v === null || v === '' ? null : field === 'email' ? String(v).toLowerCase() : v;
}

/** The object fields as Azure AD's user maps onto a person of this type. */
function objectFields(ctx: DirectoryContext, m: MappedUser, type: PersonType): AppliedFields {
  const fields: AppliedFields = { firstName: m.firstName, lastName: m.lastName, username: m.username, email: m.email, phone: m.phone };
  fields.phoneType = m.phone ? (type === 'employee' ? 'office' : ctx.defaultPhoneType) : null;
  // Job Title is mapped for employees and contacts alike (seed 003's field table).
  fields.jobTitleId = m.jobTitle ? (ctx.jobTitles[m.jobTitle.toLowerCase()] ?? null) : null;
  return fields;
}

/** What the matched rule sets: user type's Security Role and the optional targets that apply to the type. */
function ruleFields(rule: MappingRule, type: PersonType): Partial<DirectoryRecordFields> {
  const fields: Partial<DirectoryRecordFields> = { securityRoleId: rule.securityRoleId };
  for (const f of ['departmentId', 'locationId', 'employeeRoleId', 'clientAccountId'] as const) if (rule[f] && fieldAppliesTo(type, f)) fields[f] = rule[f];
  return fields;
}


/** Extra fields that apply to a person of this type (contacts carry no department or manager). */
function applicable(extra: Partial<PersonFields> | undefined, type: PersonType): Partial<PersonFields> {
  if (!extra) return {};
  const out: Partial<PersonFields> = {};
  for (const [k, v] of Object.entries(extra)) {
    if ((REFERENCE_FIELDS as readonly string[]).includes(k) && !fieldAppliesTo(type, k as ReferenceField)) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

function directoryLabel(ctx: DirectoryContext): string {
  return ctx.source === 'scim' ? 'the SCIM directory' : 'Azure AD';
}

function newRecord(ctx: DirectoryContext, m: MappedUser, rule: MappingRule, extra?: Partial<PersonFields>): DirectoryRecordFields {
  const refs = {} as Record<ReferenceField, string | null>;
  for (const f of REFERENCE_FIELDS) refs[f] = fieldAppliesTo(rule.userType, f) ? ctx.defaults[f] : null;
  const record: DirectoryRecordFields = {
    type: rule.userType,
    status: 'active',
    firstName: m.firstName ?? '',
    lastName: m.lastName ?? '',
    username: m.username ?? m.email!.slice(0, m.email!.lastIndexOf('@')),
    email: m.email!,
    phone: null,
    phoneType: null,
    ...refs,
  };
  const wanted = { ...objectFields(ctx, m, rule.userType), ...applicable(extra, rule.userType), ...ruleFields(rule, rule.userType) };
  for (const [k, v] of Object.entries(wanted)) if (v !== undefined && v !== null && v !== '') (record as Record<string, unknown>)[k] = v;
  return record;
}

function isRootPerson(ctx: DirectoryContext, p: DirectoryPerson | null): boolean {
  return p !== null && p.id === ctx.rootPersonId;
}

function skip(reason: DirectorySkipReason, detail: string, personId: string | null = null): DirectoryPlan {
  return { kind: 'skip', reason, detail, personId };
}
