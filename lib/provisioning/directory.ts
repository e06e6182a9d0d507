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
   * Only the groups changed; `data` is what Graph sent before. The person is then not
   * changed in Azure AD, so local edits to the fields mapped from the user object stay.
   */
  groupsOnly?: boolean;
};

export type DirectoryContext = {
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
  | { kind: 'create'; record: DirectoryRecordFields; ruleId: string; changes: FieldChanges; jobTitle: string | null }
  | { kind: 'update'; personId: string; ruleId: string | null; changes: FieldChanges; link: boolean; jobTitle: string | null }
  | { kind: 'deactivate'; personId: string; reason: DirectoryDeactivateReason; detail: string }
  | { kind: 'archive'; personId: string; archive: FieldChanges; record: DirectoryRecordFields; ruleId: string; changes: FieldChanges; jobTitle: string | null };

export type DirectorySkipReason = 'missing_email' | 'no_matching_rule' | 'other_org' | 'person_removed' | 'email_conflict' | 'not_linked' | 'unchanged';
export type DirectoryDeactivateReason = 'azure_removed' | 'azure_disabled' | 'no_matching_rule';

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
  byObjectId: ExistingPerson | null,
  byEmail: ExistingPerson | null,
  byEmailLinkedTo: string | null = null,
): DirectoryPlan {
  const linked = byObjectId;
  const isRoot = (p: ExistingPerson | null) => p !== null && p.id === ctx.rootPersonId;

  if (user.removed) {
    if (!linked) return skip('not_linked', 'Removed in Azure AD; no person is linked to it.');
    if (isRoot(linked)) return skip('unchanged', 'Removed in Azure AD, but the root user is never deactivated.', linked.id);
    if (linked.status !== 'active') return skip('unchanged', `Removed in Azure AD; the person is already ${linked.status}.`, linked.id);
    return { kind: 'deactivate', personId: linked.id, reason: 'azure_removed', detail: 'The user was deleted in Azure AD.' };
  }

  const m = mapDirectoryUser(user.data, ctx.emailSource);
  if (!m.email) {
    const source = { mail: 'mail', user_principal_name: 'userPrincipalName', other_mails: 'otherMails' }[ctx.emailSource];
    return skip('missing_email', `The user has no usable email in ${source}.`, linked?.id ?? null);
  }
  if (linked && byEmail && linked.id !== byEmail.id && byEmail.status !== 'archived') {
    return skip('email_conflict', `Azure AD now gives ${m.email}, which another person already uses.`, linked.id);
  }
  // Two users of one tenant never share a person: the one linked first keeps it.
  if (!linked && byEmail && byEmailLinkedTo !== null && byEmailLinkedTo !== user.objectId) {
    return skip('email_conflict', `${m.email} belongs to a person already linked to another Azure AD user (${byEmailLinkedTo}).`);
  }
  const person = linked ?? byEmail;
  if (person && person.organizationId !== ctx.organizationId) return skip('other_org', `${m.email} belongs to another organization.`);
  if (person?.removedByAdmin) return skip('person_removed', 'An admin removed this person; the sync does not bring them back.', person.id);

  if (!m.enabled) {
    if (!person || !linked) return skip('not_linked', 'The account is disabled in Azure AD.', person?.id ?? null);
    if (isRoot(person) || person.status !== 'active') return skip('unchanged', 'Disabled in Azure AD; nothing to change.', person.id);
    return { kind: 'deactivate', personId: person.id, reason: 'azure_disabled', detail: 'Sign-in is blocked for the user in Azure AD.' };
  }

  ctx.match ??= ruleMatcher(ctx.rules);
  const rule = ctx.match(ctx.tenantId, user.groups);
  if (!rule) {
    if (isRoot(person)) return rootUpdate(ctx, person!, m, !linked, user.groupsOnly);
    if (person && linked && person.status === 'active') {
      return { kind: 'deactivate', personId: person.id, reason: 'no_matching_rule', detail: 'No Azure AD mapping rule matches the user’s groups any more.' };
    }
    const groups = user.groups.length ? user.groups.join(', ') : 'none';
    return skip('no_matching_rule', `No Azure AD mapping rule matches tenant ${ctx.tenantId} and groups [${groups}].`, person?.id ?? null);
  }

  const wanted = wantedFields(ctx, m, rule.userType, rule);
  if (!person) {
    const record = newRecord(ctx, m, rule);
    return { kind: 'create', record, ruleId: rule.id, changes: creationChanges(record), jobTitle: m.jobTitle };
  }
  if (person.status === 'archived') {
    // Only reachable by email: the archived row gave its email up, so this is someone new.
    const record = newRecord(ctx, m, rule);
    return { kind: 'create', record, ruleId: rule.id, changes: creationChanges(record), jobTitle: m.jobTitle };
  }
  if (rule.userType !== person.type && !isRoot(person)) {
    // The rules now make this person the other type: archive the old record, create the new one.
    const archive: FieldChanges = {
      status: { before: person.status, after: 'archived' },
      email: { before: person.email, after: `${person.email}${ARCHIVED_SUFFIX}` },
    };
    if (person.username) archive.username = { before: person.username, after: `${person.username}${ARCHIVED_SUFFIX}` };
    const record = newRecord(ctx, m, rule);
    return { kind: 'archive', personId: person.id, archive, record, ruleId: rule.id, changes: creationChanges(record), jobTitle: m.jobTitle };
  }
  if (isRoot(person)) return rootUpdate(ctx, person, m, !linked, user.groupsOnly);
  if (user.groupsOnly) for (const f of USER_OBJECT_FIELDS) delete wanted[f];
  if (person.status === 'inactive') wanted.status = 'active';
  const changes = diffFields(person, wanted, person.lockedFields);
  return { kind: 'update', personId: person.id, ruleId: rule.id, changes, link: !linked, jobTitle: m.jobTitle };
}

/** The root user keeps their role and type; only their names and contact details follow Azure AD. */
function rootUpdate(ctx: DirectoryContext, person: ExistingPerson, m: MappedUser, link: boolean, groupsOnly = false): DirectoryPlan {
  const wanted = groupsOnly ? {} : wantedFields(ctx, m, person.type, null);
  return { kind: 'update', personId: person.id, ruleId: null, changes: diffFields(person, wanted, person.lockedFields), link, jobTitle: m.jobTitle };
}

/** The fields mapped from the Azure AD user object (the rest come from the rule). */
const USER_OBJECT_FIELDS = ['firstName', 'lastName', 'username', 'email', 'phone', 'phoneType', 'jobTitleId'] as const;

function wantedFields(ctx: DirectoryContext, m: MappedUser, type: PersonType, rule: MappingRule | null): Partial<DirectoryRecordFields> {
  const wanted: Partial<DirectoryRecordFields> = {
    firstName: m.firstName ?? undefined,
    lastName: m.lastName ?? undefined,
    username: m.username ?? undefined,
    email: m.email ?? undefined,
    phone: m.phone ?? undefined,
  };
  if (m.phone) wanted.phoneType = type === 'employee' ? 'office' : ctx.defaultPhoneType;
  const title = m.jobTitle ? ctx.jobTitles[m.jobTitle.toLowerCase()] : undefined;
  if (type === 'employee' && title) wanted.jobTitleId = title;
  if (rule) {
    wanted.securityRoleId = rule.securityRoleId;
    for (const f of ['departmentId', 'locationId', 'employeeRoleId', 'clientAccountId'] as const) if (rule[f] && fieldAppliesTo(type, f)) wanted[f] = rule[f];
  }
  return wanted;
}


function newRecord(ctx: DirectoryContext, m: MappedUser, rule: MappingRule): DirectoryRecordFields {
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
  for (const [k, v] of Object.entries(wantedFields(ctx, m, rule.userType, rule))) if (v !== undefined && v !== null && v !== '') (record as Record<string, unknown>)[k] = v;
  return record;
}

function skip(reason: DirectorySkipReason, detail: string, personId: string | null = null): DirectoryPlan {
  return { kind: 'skip', reason, detail, personId };
}
