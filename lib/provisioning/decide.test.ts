import { describe, expect, it } from 'vitest';
import { decideLogin } from './decide';
import { normalizeIdentity, type RawProfile } from './normalize';
import { REASONS } from './reasons';
import { matchRule } from './rules';
import type { AttributeMapping, Decision, ExistingPerson, Identity, LoginInput, MappingRule, OrgContext } from './types';

// Table-driven tests for the decision core. Each case quotes the seed sentence (or the
// DESIGN.md rule) it proves.

const NOW = new Date('2026-11-25T12:00:00Z');
const ORG = 'org-acme';

const DEFAULTS = {
  departmentId: 'dep-service',
  locationId: 'loc-hq',
  managerId: 'person-root',
  jobTitleId: 'job-tech',
  employmentTypeId: 'emp-full',
  securityRoleId: 'role-readonly',
  employeeRoleId: 'erole-l1',
  clientAccountId: 'acct-initech',
};

function org(over: Partial<OrgContext> = {}, settings: Partial<OrgContext['settings']> = {}): OrgContext {
  return {
    id: ORG,
    status: 'active',
    contractEndsOn: null,
    kaseyaOneOrgId: 'k1-acme',
    rootPersonId: 'person-root',
    productIds: ['psa', 'bms'],
    autoCreatedCount: 0,
    ...over,
    settings: { method: 'sso_jit', kaseyaOneLoginEnabled: true, autoCreationEnabled: true, defaults: DEFAULTS, seatCap: null, ...settings },
  };
}

function person(over: Partial<ExistingPerson> = {}): ExistingPerson {
  return {
    id: 'person-alice',
    organizationId: ORG,
    type: 'employee',
    status: 'active',
    firstName: 'Alice',
    lastName: 'Nguyen',
    username: 'alice',
    email: 'alice@acme.example',
    phone: null,
    departmentId: 'dep-projects',
    locationId: 'loc-hq',
    managerId: null,
    jobTitleId: 'job-eng',
    employmentTypeId: 'emp-full',
    securityRoleId: 'role-manager',
    employeeRoleId: 'erole-l2',
    clientAccountId: null,
    lockedFields: [],
    removedByAdmin: false,
    ...over,
  };
}

let ruleSeq = 0;
function rule(over: Partial<MappingRule> = {}): MappingRule {
  ruleSeq += 1;
  return {
    id: `rule-${ruleSeq}`,
    domain: null,
    securityGroup: null,
    userType: 'employee',
    securityRoleId: 'role-tech',
    departmentId: null,
    locationId: null,
    employeeRoleId: null,
    clientAccountId: null,
    position: 10,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...over,
  };
}

function identity(source: Identity['source'], profile: RawProfile = {}): Identity {
  return normalizeIdentity(source, source === 'kaseyaone' ? 'k1' : 'conn-1', {
    id: 'ext-alice',
    email: 'alice@acme.example',
    firstName: 'Alice',
    lastName: 'Nguyen',
    partnerOrgId: source === 'kaseyaone' ? 'k1-acme' : undefined,
    ...profile,
  });
}

function decide(over: Partial<LoginInput> & { identity: Identity }): Decision {
  return decideLogin({
    org: org(),
    rules: [],
    attributeMappings: [],
    lookups: {},
    byExternalId: null,
    byEmail: null,
    now: NOW,
    ...over,
  });
}

function denied(d: Decision) {
  if (d.outcome !== 'deny') throw new Error(`expected a denial, got ${JSON.stringify(d)}`);
  return d;
}
function allowed(d: Decision) {
  if (d.outcome !== 'allow') throw new Error(`expected an allow, got ${JSON.stringify(d)}`);
  return d;
}

describe('KaseyaOne login (seeds 000 and 002)', () => {
  const k1 = (profile: RawProfile = {}) => identity('kaseyaone', profile);

  it.each([
    {
      seed: '002: "If a user exists in the DarkWeb ID database but is inactive."',
      input: { identity: k1(), byEmail: person({ status: 'inactive' }) },
      reason: 'user_inactive',
    },
    {
      seed: '002: "If a user belongs to another Organization, they cannot use KaseyaOne SSO to log in."',
      input: { identity: k1(), byEmail: person({ organizationId: 'org-globex' }) },
      reason: 'other_org',
    },
    {
      seed: '002: "all users from this KaseyaOne Partner (MME) Organization can log in" — and no others',
      input: { identity: k1({ partnerOrgId: 'k1-globex' }) },
      reason: 'other_org',
    },
    {
      seed: '002: "If a user belongs to an inactive organization"',
      input: { identity: k1(), org: org({ status: 'inactive' }) },
      reason: 'org_inactive',
    },
    {
      seed: '002: "check your Organization status or DarkWeb ID Contract End Day"',
      input: { identity: k1(), org: org({ contractEndsOn: '2026-11-24' }) },
      reason: 'org_contract_ended',
    },
    {
      seed: '002: "If a user has only BullPhish ID subscription(s)."',
      input: { identity: k1({ products: ['bullphish'] }), byEmail: person() },
      reason: 'no_product_access',
    },
    {
      seed: '002: "If a user doesn\'t exist … and Automatic User Creation (JIT flow) is disabled."',
      input: { identity: k1(), org: org({}, { autoCreationEnabled: false }) },
      reason: 'not_provisioned',
    },
    {
      seed: 'DESIGN: "Enable Log In With KaseyaOne toggle: when off, nobody logs in through KaseyaOne."',
      input: { identity: k1(), byEmail: person(), org: org({}, { kaseyaOneLoginEnabled: false }) },
      reason: 'login_disabled',
    },
    {
      seed: 'DESIGN: denied when there is "no email in the assertion"',
      input: { identity: k1({ email: undefined }) },
      reason: 'missing_email',
    },
  ] as const)('denies: $seed', ({ input, reason }) => {
    const d = denied(decide(input));
    expect(d.reason).toBe(reason);
    expect(REASONS[d.reason].title.length).toBeGreaterThan(0);
  });

  it('002: "If a user doesn\'t exist … but Automatic User Creation (JIT flow) is enabled, such users will be automatically created" — with the Employee Defaults (000)', () => {
    const d = allowed(decide({ identity: k1({ firstName: 'Zoë', lastName: 'Ökland', email: 'zoe@acme.example' }) }));
    expect(d.action).toBe('create');
    expect(d.create).toEqual({
      type: 'employee',
      status: 'active',
      firstName: 'Zoë',
      lastName: 'Ökland',
      username: 'zoe',
      email: 'zoe@acme.example',
      phone: null,
      ...DEFAULTS,
    });
    expect(d.link).toEqual({ source: 'kaseyaone', scope: 'k1', externalId: 'ext-alice' });
    expect(d.changes.securityRoleId).toEqual({ before: null, after: 'role-readonly' });
  });

  it('000: "For existing users … only first name and last name are to be updated" and "security roles will stay as they are"', () => {
    const existing = person();
    const d = allowed(
      decide({
        identity: k1({ firstName: 'Alicia', lastName: 'Nguyen-Smith', groups: ['Domain Admins'], email: 'alice@acme.example' }),
        byEmail: existing,
        rules: [rule({ securityGroup: 'Domain Admins', securityRoleId: 'role-admin' })],
      }),
    );
    expect(d.action).toBe('update');
    expect(d.changes).toEqual({
      firstName: { before: 'Alice', after: 'Alicia' },
      lastName: { before: 'Nguyen', after: 'Nguyen-Smith' },
    });
  });

  it('000: an existing user whose names did not change is let in with no changes', () => {
    const d = allowed(decide({ identity: k1(), byExternalId: person() }));
    expect(d).toMatchObject({ action: 'none', changes: {}, link: null, personId: 'person-alice' });
  });

  it('a products claim that includes one of this product\'s ids (any case) lets the user in; no claim at all is not a denial', () => {
    expect(allowed(decide({ identity: k1({ products: ['bullphish', 'PSA'] }), byEmail: person() })).action).toBe('none');
    expect(allowed(decide({ identity: k1({ products: ['Bms'] }), byEmail: person() })).action).toBe('none');
    expect(allowed(decide({ identity: k1(), byEmail: person() })).action).toBe('none');
  });

  it('an empty products claim is a denial: the user is subscribed to nothing', () => {
    expect(decide({ identity: k1({ products: [] }), byEmail: person() })).toMatchObject({ outcome: 'deny', reason: 'no_product_access' });
  });

  it('a missing last name at KaseyaOne does not erase the one we have', () => {
    const d = allowed(decide({ identity: k1({ lastName: '' }), byEmail: person() }));
    expect(d.changes).toEqual({});
  });

  it('a first login found by email links the KaseyaOne identity', () => {
    const d = allowed(decide({ identity: k1(), byEmail: person() }));
    expect(d.link).toEqual({ source: 'kaseyaone', scope: 'k1', externalId: 'ext-alice' });
  });

  it('creation without a default Security Role is refused with its own code', () => {
    const d = denied(decide({ identity: k1(), org: org({}, { defaults: { ...DEFAULTS, securityRoleId: null } }) }));
    expect(d.reason).toBe('defaults_incomplete');
  });

  it('the seat cap stops auto-creation, not logins of existing people', () => {
    const capped = org({ autoCreatedCount: 5 }, { seatCap: 5 });
    expect(denied(decide({ identity: k1(), org: capped })).reason).toBe('seat_limit_reached');
    expect(allowed(decide({ identity: k1(), org: capped, byEmail: person() })).action).toBe('none');
  });
});

describe('contract end date', () => {
  it.each([
    ['2026-11-26', 'allow'],
    ['2026-11-25', 'allow'], // the contract is valid through its last day
    ['2026-11-24', 'deny'],
  ])('ends %s → %s on 2026-11-25', (date, outcome) => {
    expect(decide({ identity: identity('kaseyaone'), byEmail: person(), org: org({ contractEndsOn: date }) }).outcome).toBe(outcome);
  });
});

describe('SSO JIT with mapping rules (seeds 001 and 004)', () => {
  const sso = (profile: RawProfile = {}) => identity('sso', profile);

  it('001: "Users will be auto-provisioned based on your Active Directory Domain, Security group/User mappings" and "attached to the account defined in Employee defaults"', () => {
    const techs = rule({ domain: 'acme.example', securityGroup: 'Technicians', securityRoleId: 'role-tech', departmentId: 'dep-desk' });
    const d = allowed(decide({ identity: sso({ groups: ['Everyone', 'Technicians'] }), rules: [techs] }));
    expect(d.action).toBe('create');
    expect(d.ruleId).toBe(techs.id);
    expect(d.create).toMatchObject({ type: 'employee', securityRoleId: 'role-tech', departmentId: 'dep-desk', clientAccountId: 'acct-initech', locationId: 'loc-hq' });
  });

  it('DESIGN: "A user matching no rule gets no access"', () => {
    const d = denied(decide({ identity: sso({ groups: ['Sales'] }), rules: [rule({ securityGroup: 'Technicians' })] }));
    expect(d.reason).toBe('no_matching_rule');
    expect(d.detail).toContain('Sales');
  });

  it('DESIGN: "(root user exempt)" — the root user is never denied by rules, and rules do not change their role', () => {
    const root = person({ id: 'person-root', email: 'root@acme.example', securityRoleId: 'role-admin' });
    const noRule = allowed(decide({ identity: sso({ email: 'root@acme.example' }), byEmail: root, rules: [rule({ securityGroup: 'Technicians' })] }));
    expect(noRule.changes).toEqual({});
    const withRule = allowed(decide({ identity: sso({ email: 'root@acme.example', groups: ['Technicians'] }), byEmail: root, rules: [rule({ securityGroup: 'Technicians' })] }));
    expect(withRule.changes.securityRoleId).toBeUndefined();
  });

  it('DESIGN: "the group-derived role is re-applied on every login" — a new group changes the role', () => {
    const techs = rule({ securityGroup: 'Technicians', securityRoleId: 'role-tech', position: 20 });
    const managers = rule({ securityGroup: 'Managers', securityRoleId: 'role-manager', position: 10 });
    const d = allowed(decide({ identity: sso({ groups: ['Technicians'] }), byExternalId: person({ securityRoleId: 'role-manager' }), rules: [techs, managers] }));
    expect(d.ruleId).toBe(techs.id);
    expect(d.changes.securityRoleId).toEqual({ before: 'role-manager', after: 'role-tech' });
  });

  it('DESIGN: "Group loss takes access away" — losing the only mapped group denies the next login', () => {
    const d = denied(decide({ identity: sso({ groups: [] }), byExternalId: person(), rules: [rule({ securityGroup: 'Technicians' })] }));
    expect(d).toMatchObject({ reason: 'no_matching_rule', personId: 'person-alice' });
  });

  it('001: "The Domain and security groups should … match the mapping rules" — the domain comes from the email unless the IdP sends one', () => {
    const acmeOnly = rule({ domain: 'ACME.example' });
    expect(allowed(decide({ identity: sso(), rules: [acmeOnly] })).action).toBe('create');
    expect(denied(decide({ identity: sso({ email: 'eve@evil.example' }), rules: [acmeOnly] })).reason).toBe('no_matching_rule');
    expect(allowed(decide({ identity: sso({ email: 'eve@evil.example', domain: 'acme.example' }), rules: [acmeOnly] })).action).toBe('create');
  });

  it('001: "User account should have an email address associated with it."', () => {
    expect(denied(decide({ identity: sso({ email: 'not-an-email' }), rules: [rule()] })).reason).toBe('missing_email');
  });

  it('a client portal contact rule creates a contact with only the account and role defaults', () => {
    const d = allowed(decide({ identity: sso({ groups: ['Clients'] }), rules: [rule({ securityGroup: 'Clients', userType: 'contact', securityRoleId: 'role-portal', clientAccountId: 'acct-umbrella' })] }));
    expect(d.create).toMatchObject({ type: 'contact', securityRoleId: 'role-portal', clientAccountId: 'acct-umbrella', departmentId: null, managerId: null, jobTitleId: null });
  });

  it('SSO login with provisioning method None: existing people get in unchanged, unknown people are not created', () => {
    const none = org({}, { method: 'none' });
    expect(allowed(decide({ identity: sso({ firstName: 'Other' }), byEmail: person(), org: none })).changes).toEqual({});
    expect(denied(decide({ identity: sso(), org: none, rules: [rule()] })).reason).toBe('not_provisioned');
  });

  it('a person an admin removed is not re-created by the next JIT login (tombstone)', () => {
    expect(denied(decide({ identity: sso(), byEmail: person({ removedByAdmin: true }), rules: [rule()] })).reason).toBe('person_removed');
  });

  it('an archived person is refused as inactive', () => {
    expect(denied(decide({ identity: sso(), byEmail: person({ status: 'archived' }), rules: [rule()] })).reason).toBe('user_inactive');
  });

  it('another organization\'s person is refused without naming them', () => {
    const d = denied(decide({ identity: sso(), byEmail: person({ organizationId: 'org-globex' }), rules: [rule()] }));
    expect(d).toMatchObject({ reason: 'other_org', personId: null });
  });
});

describe('attribute mappings (seed 004)', () => {
  const sso = (profile: RawProfile = {}) => identity('sso', profile);
  const lookups = { departments: { finance: 'dep-finance', 'service desk': 'dep-service' }, jobTitles: { engineer: 'job-eng' } };
  const map = (over: Partial<AttributeMapping> & Pick<AttributeMapping, 'attributeName' | 'personField'>): AttributeMapping => ({ defaultValue: null, applyOn: 'every_login', ...over });

  it('004: "configure the mapping of the SAML Assertion fields with Creatio columns" — any attribute, including claim URIs, fills a field', () => {
    const claim = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/department';
    const d = allowed(
      decide({
        identity: sso({ raw: { [claim]: ['Finance'], telephoneNumber: '+1 555 0100' } }),
        rules: [rule()],
        lookups,
        attributeMappings: [map({ attributeName: claim, personField: 'departmentId' }), map({ attributeName: 'TelephoneNumber', personField: 'phone' })],
      }),
    );
    expect(d.create).toMatchObject({ departmentId: 'dep-finance', phone: '+1 555 0100' });
  });

  it('004: "A field that is missing in the identity provider data can be populated with the value specified in the Column default value"', () => {
    const d = allowed(
      decide({ identity: sso(), rules: [rule()], lookups, attributeMappings: [map({ attributeName: 'jobtitle', personField: 'jobTitleId', defaultValue: 'Engineer' })] }),
    );
    expect(d.create?.jobTitleId).toBe('job-eng');
  });

  it('004: "Each time a user logs on using SSO, the data on the contact page are updated" — every-login mappings apply on later logins', () => {
    const d = allowed(
      decide({
        identity: sso({ raw: { dept: 'Service Desk' }, firstName: 'Alicia' }),
        byExternalId: person({ departmentId: 'dep-finance' }),
        rules: [rule()],
        lookups,
        attributeMappings: [map({ attributeName: 'dept', personField: 'departmentId' })],
      }),
    );
    expect(d.changes).toMatchObject({ departmentId: { before: 'dep-finance', after: 'dep-service' }, firstName: { before: 'Alice', after: 'Alicia' } });
  });

  it('create-only mappings fill a new person and leave later logins alone', () => {
    const mappings = [map({ attributeName: 'dept', personField: 'departmentId', applyOn: 'create' }), map({ attributeName: 'given', personField: 'firstName', applyOn: 'create' })];
    const first = allowed(decide({ identity: sso({ raw: { dept: 'Finance', given: 'Ally' } }), rules: [rule()], lookups, attributeMappings: mappings }));
    expect(first.create).toMatchObject({ departmentId: 'dep-finance', firstName: 'Ally' });
    const later = allowed(
      decide({ identity: sso({ raw: { dept: 'Service Desk', given: 'Other' }, firstName: 'Other' }), byExternalId: person(), rules: [rule({ securityRoleId: 'role-manager' })], lookups, attributeMappings: mappings }),
    );
    expect(later.changes).toEqual({});
  });

  it('an unknown lookup value is a warning, not a failure', () => {
    const d = allowed(decide({ identity: sso({ raw: { dept: 'Marketing' } }), rules: [rule()], lookups, attributeMappings: [map({ attributeName: 'dept', personField: 'departmentId' })] }));
    expect(d.create?.departmentId).toBe('dep-service');
    expect(d.warnings[0]).toContain('"Marketing"');
  });

  it('DESIGN: "Field locks: … neither SSO logins nor directory sync overwrite a locked field"', () => {
    const d = allowed(
      decide({
        identity: sso({ firstName: 'Alicia', groups: ['Technicians'] }),
        byExternalId: person({ lockedFields: ['firstName', 'securityRoleId'] }),
        rules: [rule({ securityGroup: 'Technicians', securityRoleId: 'role-tech' })],
      }),
    );
    expect(d.changes).toEqual({});
  });
});

describe('safe linking', () => {
  const sso = (profile: RawProfile = {}) => identity('sso', profile);

  it('DESIGN: "an email change at the IdP updates the person instead of duplicating them"', () => {
    const d = allowed(decide({ identity: sso({ email: 'alice.nguyen@acme.example' }), byExternalId: person(), rules: [rule({ securityRoleId: 'role-manager' })] }));
    expect(d.action).toBe('update');
    expect(d.changes.email).toEqual({ before: 'alice@acme.example', after: 'alice.nguyen@acme.example' });
    expect(d.link).toBeNull();
  });

  it('DESIGN: "uppercase/lowercase never splits an account" — a case-only email change is no change', () => {
    const d = allowed(decide({ identity: sso({ email: 'ALICE@Acme.Example' }), byExternalId: person(), rules: [rule({ securityRoleId: 'role-manager' })] }));
    expect(d.changes).toEqual({});
  });

  it('a new email that another person already uses is refused, not merged', () => {
    const d = denied(decide({ identity: sso({ email: 'bob@acme.example' }), byExternalId: person(), byEmail: person({ id: 'person-bob', email: 'bob@acme.example' }), rules: [rule()] }));
    expect(d).toMatchObject({ reason: 'email_conflict', personId: 'person-alice' });
  });
});

describe('rule precedence (seeds 001 and 003; one implementation for SSO and Azure)', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const t1 = new Date('2026-02-01T00:00:00Z');

  it('003: "The lowest order value has precedence."', () => {
    const a = rule({ securityGroup: 'A', position: 5 });
    const b = rule({ securityGroup: 'B', position: 1 });
    expect(matchRule([a, b], 'acme.example', ['A', 'B'])).toBe(b);
  });

  it('003: "If two groups have the same order value, the oldest group has precedence."', () => {
    const newer = rule({ securityGroup: 'A', position: 1, createdAt: t1 });
    const older = rule({ securityGroup: 'B', position: 1, createdAt: t0 });
    expect(matchRule([newer, older], null, ['A', 'B'])).toBe(older);
    expect(matchRule([older, newer], null, ['A', 'B'])).toBe(older);
  });

  it('the same order and the same instant still give one stable answer', () => {
    const x = rule({ id: 'rule-x', position: 1, createdAt: t0 });
    const y = rule({ id: 'rule-y', position: 1, createdAt: t0 });
    expect(matchRule([y, x], null, [])).toBe(x);
  });

  it('"any" domain and "any" group match everyone; group names compare case-insensitively', () => {
    const any = rule();
    expect(matchRule([any], null, [])).toBe(any);
    const g = rule({ securityGroup: 'technicians' });
    expect(matchRule([g], 'x.example', ['TECHNICIANS'])).toBe(g);
    expect(matchRule([g], 'x.example', ['Technicians-Old'])).toBeNull();
  });
});

describe('identity normalization', () => {
  it('groups as a single string become one group (never split: DNs contain commas)', () => {
    expect(normalizeIdentity('sso', 'c', { email: 'a@b.example', groups: 'CN=Admins,OU=Groups,DC=corp' }).groups).toEqual(['CN=Admins,OU=Groups,DC=corp']);
  });

  it('reads fields from raw attributes when the top level lacks them, and NFC-normalizes names', () => {
    const id = normalizeIdentity('sso', 'c', { id: 'u1', raw: { email: ' Zoe@Acme.Example ', firstName: 'Zoe\u0308', groups: ['A', 'A', 'B'] } });
    expect(id).toMatchObject({ email: 'Zoe@Acme.Example', firstName: 'Zoë', groups: ['A', 'B'], domain: 'acme.example', products: null });
  });

  it('with no subject id, the lower-cased email identifies the user', () => {
    expect(normalizeIdentity('sso', 'c', { email: 'Bob@X.example' }).externalId).toBe('bob@x.example');
  });

  it('an email-shaped subject id compares case-insensitively; an opaque one keeps its case', () => {
    expect(normalizeIdentity('sso', 'c', { id: 'Bob@X.example', email: 'Bob@X.example' }).externalId).toBe('bob@x.example');
    expect(normalizeIdentity('sso', 'c', { id: '00u1AbC', email: 'Bob@X.example' }).externalId).toBe('00u1AbC');
  });
});
