import { creationChanges, diffFields, fieldAppliesTo, mappedValues } from './fields';
import type { ReasonCode } from './reasons';
import { matchRule } from './rules';
import {
  REFERENCE_FIELDS,
  type Decision,
  type ExistingPerson,
  type FieldChanges,
  type Link,
  type LoginInput,
  type MappingRule,
  type PersonFields,
  type ReferenceField,
} from './types';

/**
 * The login decision: allow (create, update or nothing) or deny with a reason code.
 * Pure: everything it needs comes in `input`, including `now`.
 */
export function decideLogin(input: LoginInput): Decision {
  const { identity: id, org, now } = input;
  if (id.source === 'azure' || id.source === 'scim') throw new Error('decideLogin handles SSO and KaseyaOne logins; directory records go through the sync decision');

  if (!id.email) return deny('missing_email', 'The assertion carries no valid email address.');
  if (org.status !== 'active') return deny('org_inactive', 'The organization is inactive.');
  if (org.contractEndsOn && isoDate(now) > org.contractEndsOn) {
    return deny('org_contract_ended', `The organization's contract ended on ${org.contractEndsOn}.`);
  }

  const { byExternalId, byEmail } = input;
  if (byExternalId && byEmail && byExternalId.id !== byEmail.id) {
    return deny('email_conflict', `The IdP now sends ${id.email}, which another person already uses.`, byExternalId.id);
  }
  const person = byExternalId ?? byEmail;

  if (id.source === 'kaseyaone') {
    if (!org.settings.kaseyaOneLoginEnabled) return deny('login_disabled', 'Enable Log In With KaseyaOne is off.');
    if (!org.kaseyaOneOrgId || id.partnerOrgId?.toLowerCase() !== org.kaseyaOneOrgId.toLowerCase()) {
      return deny('other_org', `The login is for KaseyaOne organization ${id.partnerOrgId ?? '(none)'}, not ${org.kaseyaOneOrgId ?? '(none set)'}.`);
    }
    // No claim at all is not a denial; an empty or foreign one is.
    if (id.products !== null && !id.products.some((p) => org.productIds.includes(p.toLowerCase()))) {
      return deny('no_product_access', `The products claim (${id.products.join(', ') || 'empty'}) does not include ${org.productIds.join(' or ')}.`);
    }
  }

  // Another organization's person id is not ours to log.
  if (person && person.organizationId !== org.id) return deny('other_org', `${id.email} belongs to another organization.`);
  if (person?.removedByAdmin) return deny('person_removed', 'An admin removed this person; restore them to let them sign in again.', person.id);
  if (person && person.status !== 'active') return deny('user_inactive', `The person is ${person.status}.`, person.id);

  // Found by email on a first login from this identity: link it, so an email change later still finds them.
  const link: Link | null = person && !byExternalId ? { source: id.source, scope: id.scope, externalId: id.externalId } : null;

  if (id.source === 'kaseyaone') return kaseyaOne(input, person, link);
  return ssoJit(input, person, link);
}

/** Seeds 000/002: existing people get only their names from KaseyaOne; unknown people need Automatic User Creation. */
function kaseyaOne(input: LoginInput, person: ExistingPerson | null, link: Link | null): Decision {
  const { identity: id, org } = input;
  if (person) {
    const changes = diffFields(person, { firstName: id.firstName ?? undefined, lastName: id.lastName ?? undefined }, person.lockedFields);
    return allow(person.id, null, changes, link, []);
  }
  if (!org.settings.autoCreationEnabled) return deny('not_provisioned', 'Unknown person and Automatic User Creation is off.');
  if (!org.settings.defaults.securityRoleId) return deny('defaults_incomplete', 'Employee Defaults have no Security Role.');
  const seat = seatCheck(input);
  if (seat) return seat;
  const record = newRecord(input, 'employee', org.settings.defaults, {});
  return created(input, record, null, []);
}

/** Seeds 001/004: mapping rules decide access and role; attribute mappings fill fields. */
function ssoJit(input: LoginInput, person: ExistingPerson | null, link: Link | null): Decision {
  const { identity: id, org } = input;
  if (org.settings.method !== 'sso_jit') {
    if (!person) return deny('not_provisioned', 'No account exists and SSO JIT Provisioning is not the provisioning method.');
    const changes = input.byExternalId ? diffFields(person, { email: id.email! }, person.lockedFields) : {};
    return allow(person.id, null, changes, link, []);
  }

  const isRoot = person !== null && person.id === org.rootPersonId;
  const rule = matchRule(input.rules, id.domain, id.groups);
  if (!rule && !isRoot) {
    const groups = id.groups.length ? id.groups.join(', ') : 'none';
    return deny('no_matching_rule', `No mapping rule matches domain ${id.domain ?? '(none)'} and groups [${groups}].`, person?.id ?? null);
  }

  if (!person) {
    const seat = seatCheck(input);
    if (seat) return seat;
    const mapped = mappedValues(input.attributeMappings, id.attributes, input.lookups, 'create');
    const record = newRecord(input, rule!.userType, org.settings.defaults, { ...ruleTargets(rule!), ...mapped.values });
    return created(input, record, rule!.id, mapped.warnings);
  }

  // Later logins: names, every-login mappings and the group-derived role follow the IdP.
  const mapped = mappedValues(input.attributeMappings, id.attributes, input.lookups, 'login');
  const createOnly = new Set(input.attributeMappings.filter((m) => m.applyOn === 'create').map((m) => m.personField as string));
  const wanted: Partial<PersonFields> = {};
  if (!createOnly.has('firstName') && id.firstName) wanted.firstName = id.firstName;
  if (!createOnly.has('lastName') && id.lastName) wanted.lastName = id.lastName;
  if (input.byExternalId) wanted.email = id.email!;
  Object.assign(wanted, mapped.values);
  const warnings = [...mapped.warnings];
  if (rule && !isRoot) {
    Object.assign(wanted, ruleTargets(rule));
    if (rule.userType !== person.type) warnings.push(`Rule says ${rule.userType} but the person is an ${person.type}; the type is not changed at login.`);
  }
  return allow(person.id, rule?.id ?? null, diffFields(person, wanted, person.lockedFields), link, warnings);
}

function ruleTargets(rule: MappingRule): Partial<PersonFields> {
  const t: Partial<PersonFields> = { securityRoleId: rule.securityRoleId };
  for (const f of ['departmentId', 'locationId', 'employeeRoleId', 'clientAccountId'] as const) if (rule[f]) t[f] = rule[f];
  return t;
}

function newRecord(input: LoginInput, type: PersonFields['type'], defaults: Record<ReferenceField, string | null>, overrides: Partial<PersonFields>): PersonFields {
  const { identity: id } = input;
  const refs = {} as Record<ReferenceField, string | null>;
  for (const f of REFERENCE_FIELDS) refs[f] = fieldAppliesTo(type, f) ? defaults[f] : null;
  const base: PersonFields = {
    type,
    status: 'active',
    firstName: id.firstName ?? '',
    lastName: id.lastName ?? '',
    username: id.email!.slice(0, id.email!.lastIndexOf('@')),
    email: id.email!,
    phone: null,
    ...refs,
  };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined && v !== null && v !== '') (base as Record<string, unknown>)[k] = v;
  return base;
}

function seatCheck(input: LoginInput): Decision | null {
  const cap = input.org.settings.seatCap;
  if (cap !== null && input.org.autoCreatedCount >= cap) {
    return deny('seat_limit_reached', `Automatic creation is capped at ${cap} people and ${input.org.autoCreatedCount} exist.`);
  }
  return null;
}

function deny(reason: ReasonCode, detail: string, personId: string | null = null, ruleId: string | null = null): Decision {
  return { outcome: 'deny', reason, detail, personId, ruleId };
}

function allow(personId: string, ruleId: string | null, changes: FieldChanges, link: Link | null, warnings: string[]): Decision {
  const action = Object.keys(changes).length ? 'update' : 'none';
  return { outcome: 'allow', action, personId, ruleId, create: null, changes, link, warnings };
}

function created(input: LoginInput, record: PersonFields, ruleId: string | null, warnings: string[]): Decision {
  const { source, scope, externalId } = input.identity;
  const link = { source, scope, externalId };
  return { outcome: 'allow', action: 'create', personId: null, ruleId, create: record, changes: creationChanges(record), link, warnings };
}

/** The calendar date of `now` in UTC, as YYYY-MM-DD. */
function isoDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}
