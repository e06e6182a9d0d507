import { describe, expect, it } from 'vitest';
import { decideDirectoryUser, mapDirectoryUser, type DirectoryContext, type DirectoryRecord } from './directory';
import type { ExistingPerson, MappingRule } from './types';

// The Azure AD sync decision, case by case. Each case names the seed 003 behaviour it proves.

const TENANT = 'tenant-1';
const G_STAFF = 'group-staff';
const G_MANAGERS = 'group-managers';
const G_CLIENTS = 'group-clients';

function rule(id: string, over: Partial<MappingRule>): MappingRule {
  return {
    id,
    domain: TENANT,
    securityGroup: null,
    userType: 'employee',
    securityRoleId: `role-${id}`,
    departmentId: null,
    locationId: null,
    employeeRoleId: null,
    clientAccountId: null,
    position: 10,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...over,
  };
}

const RULES = [
  rule('staff', { securityGroup: G_STAFF, position: 20, departmentId: 'dep-service' }),
  rule('managers', { securityGroup: G_MANAGERS, position: 10, departmentId: 'dep-mgmt' }),
  rule('clients', { securityGroup: G_CLIENTS, position: 30, userType: 'contact', clientAccountId: 'acct-initech' }),
];

function ctx(over: Partial<DirectoryContext> = {}): DirectoryContext {
  return {
    organizationId: 'org-acme',
    tenantId: TENANT,
    rootPersonId: 'person-root',
    emailSource: 'mail',
    defaults: { departmentId: 'dep-default', locationId: 'loc-hq', managerId: null, jobTitleId: null, employmentTypeId: 'emp-full', securityRoleId: 'role-default', employeeRoleId: null, clientAccountId: 'acct-default' },
    defaultPhoneType: 'mobile',
    rules: RULES,
    jobTitles: { engineer: 'job-engineer' },
    ...over,
  };
}

const DATA = { givenName: 'Ada', surname: 'Lovelace', userPrincipalName: 'ada@contoso.onmicrosoft.com', mail: 'Ada.Lovelace@contoso.example', otherMails: ['ada@home.example'], businessPhones: ['+1 555 0100'], jobTitle: 'Engineer', accountEnabled: true };

function record(groups: string[], over: Partial<DirectoryRecord> = {}): DirectoryRecord {
  return { objectId: 'obj-ada', data: DATA, removed: false, groups, previous: null, ...over };
}

type P = ExistingPerson & { phoneType: null | 'office' | 'mobile' };
function person(over: Partial<P> = {}): P {
  return {
    id: 'person-ada',
    organizationId: 'org-acme',
    type: 'employee',
    status: 'active',
    firstName: 'Ada',
    lastName: 'Lovelace',
    username: 'ada',
    email: 'ada.lovelace@contoso.example',
    phone: '+1 555 0100',
    phoneType: 'office',
    departmentId: 'dep-service',
    locationId: 'loc-hq',
    managerId: null,
    jobTitleId: 'job-engineer',
    employmentTypeId: 'emp-full',
    securityRoleId: 'role-staff',
    employeeRoleId: null,
    clientAccountId: null,
    lockedFields: [],
    removedByAdmin: false,
    ...over,
  };
}

describe('field mapping', () => {
  it('givenName → First Name, surname → Last Name, userPrincipalName → Username without @domain, office phone, jobTitle', () => {
    expect(mapDirectoryUser(DATA, 'mail')).toEqual({ email: 'Ada.Lovelace@contoso.example', firstName: 'Ada', lastName: 'Lovelace', username: 'ada', phone: '+1 555 0100', jobTitle: 'Engineer', enabled: true });
  });
  it('email from the chosen source: Azure AD Email = mail, Microsoft Account Email = userPrincipalName, External AD Email = first otherMails', () => {
    expect(mapDirectoryUser(DATA, 'mail').email).toBe('Ada.Lovelace@contoso.example');
    expect(mapDirectoryUser(DATA, 'user_principal_name').email).toBe('ada@contoso.onmicrosoft.com');
    expect(mapDirectoryUser(DATA, 'other_mails').email).toBe('ada@home.example');
    expect(mapDirectoryUser({ ...DATA, mail: null }, 'mail').email).toBeNull();
  });
  it('creates an employee with Employee Phone (office), the job title and the rule targets over the defaults', () => {
    const plan = decideDirectoryUser(ctx(), record([G_STAFF]), null, null);
    expect(plan).toMatchObject({
      kind: 'create',
      ruleId: 'staff',
      record: { type: 'employee', firstName: 'Ada', lastName: 'Lovelace', username: 'ada', email: 'Ada.Lovelace@contoso.example', phone: '+1 555 0100', phoneType: 'office', jobTitleId: 'job-engineer', securityRoleId: 'role-staff', departmentId: 'dep-service', locationId: 'loc-hq' },
    });
  });
  it("a contact gets Contact Phone Number with the organization's default phone type, and no employee-only fields (Job Title is for everyone)", () => {
    const plan = decideDirectoryUser(ctx(), record([G_CLIENTS]), null, null);
    expect(plan).toMatchObject({ kind: 'create', record: { type: 'contact', phone: '+1 555 0100', phoneType: 'mobile', clientAccountId: 'acct-initech', departmentId: null, jobTitleId: 'job-engineer', locationId: null } });
  });
});

describe('precedence (the same matchRule as SSO JIT)', () => {
  it('lowest order wins', () => {
    expect(decideDirectoryUser(ctx(), record([G_STAFF, G_MANAGERS]), null, null)).toMatchObject({ kind: 'create', ruleId: 'managers' });
  });
  it('a tie goes to the oldest rule', () => {
    const tie = [rule('newer', { securityGroup: G_STAFF, position: 5, createdAt: new Date('2026-03-01') }), rule('older', { securityGroup: G_MANAGERS, position: 5, createdAt: new Date('2026-02-01') })];
    expect(decideDirectoryUser(ctx({ rules: tie }), record([G_STAFF, G_MANAGERS]), null, null)).toMatchObject({ ruleId: 'older' });
  });
  it('a rule for another tenant does not apply; a rule without a group covers every user of its tenant', () => {
    const rules = [rule('other-tenant', { domain: 'tenant-2', position: 1 }), rule('everyone', { position: 50 })];
    expect(decideDirectoryUser(ctx({ rules }), record([]), null, null)).toMatchObject({ ruleId: 'everyone' });
  });
});

describe('match, merge, update', () => {
  it('matches on the stored object id first, then by email (case-insensitive) and links', () => {
    expect(decideDirectoryUser(ctx(), record([G_STAFF]), person(), null)).toMatchObject({ kind: 'update', personId: 'person-ada', link: false, changes: {} });
    expect(decideDirectoryUser(ctx(), record([G_STAFF]), null, person())).toMatchObject({ kind: 'update', personId: 'person-ada', link: true });
  });
  it('overwrites mapped fields, keeps locked ones', () => {
    const plan = decideDirectoryUser(ctx(), record([G_STAFF], { data: { ...DATA, givenName: 'Augusta', surname: 'King' } }), person({ lockedFields: ['lastName'] }), null);
    expect(plan).toMatchObject({ kind: 'update', changes: { firstName: { before: 'Ada', after: 'Augusta' } } });
    expect((plan as { changes: object }).changes).not.toHaveProperty('lastName');
  });
  it('a newly matching rule changes role and department', () => {
    expect(decideDirectoryUser(ctx(), record([G_MANAGERS]), person(), null)).toMatchObject({
      changes: { securityRoleId: { before: 'role-staff', after: 'role-managers' }, departmentId: { before: 'dep-service', after: 'dep-mgmt' } },
    });
  });
  it('a change of groups alone changes what the rule sets, not local edits to the fields mapped from the user object', () => {
    const edited = person({ firstName: 'Ada (local)', phone: '+1 555 9999' });
    const unchanged = { previous: { data: DATA, applied: null } };
    const plan = decideDirectoryUser(ctx(), record([G_MANAGERS], unchanged), edited, null);
    expect(plan).toMatchObject({ kind: 'update' });
    expect(Object.keys((plan as { changes: object }).changes).sort()).toEqual(['departmentId', 'securityRoleId']);
    // The same edits are overwritten once the user object itself changes.
    const changed = decideDirectoryUser(ctx(), record([G_MANAGERS], { data: { ...DATA, surname: 'King' }, ...unchanged }), edited, null);
    expect((changed as { changes: object }).changes).toMatchObject({ firstName: { after: 'Ada' }, lastName: { after: 'King' }, phone: { after: '+1 555 0100' } });
    // The root user: nothing at all.
    expect(decideDirectoryUser(ctx(), record([G_MANAGERS], unchanged), person({ id: 'person-root', firstName: 'Root (local)' }), null)).toMatchObject({ kind: 'update', changes: {} });
  });
});

describe('local edits against the stored copy (seed 003: "Any changes to synced record in BMS will persist until the record is changed in Active Directory")', () => {
  const lastApplied = { firstName: 'Ada', lastName: 'Lovelace', username: 'ada', email: 'Ada.Lovelace@contoso.example', phone: '+1 555 0100', phoneType: 'office', jobTitleId: 'job-engineer' };
  const edited = person({ firstName: 'Ada (local)', phone: '+1 555 9999', jobTitleId: null });

  it('a full resync that returns the user unchanged keeps every local edit', () => {
    const plan = decideDirectoryUser(ctx(), record([G_STAFF], { previous: { data: DATA, applied: lastApplied } }), edited, null);
    expect(plan).toMatchObject({ kind: 'update', changes: {} });
    // What the sync last applied stays the reference, so the edits stay edits on the next run too.
    expect(plan).toMatchObject({ applied: { firstName: 'Ada', phone: '+1 555 0100', jobTitleId: 'job-engineer' } });
  });
  it('a change to any mapped field in Azure AD overwrites the whole record (locks still hold)', () => {
    const plan = decideDirectoryUser(ctx(), record([G_STAFF], { data: { ...DATA, surname: 'King' }, previous: { data: DATA, applied: lastApplied } }), { ...edited, lockedFields: ['phone'] }, null);
    expect((plan as { changes: object }).changes).toEqual({ firstName: { before: 'Ada (local)', after: 'Ada' }, lastName: { before: 'Lovelace', after: 'King' }, jobTitleId: { before: null, after: 'job-engineer' } });
  });
  it('a change to a property the sync does not map (or to another email source) is not a change of the record', () => {
    const plan = decideDirectoryUser(ctx(), record([G_STAFF], { data: { ...DATA, mobilePhone: '+1 555 7777', otherMails: [] }, previous: { data: DATA, applied: lastApplied } }), edited, null);
    expect(plan).toMatchObject({ kind: 'update', changes: {} });
  });
  it('after a settings change, fields nobody edited follow the new settings and edited ones stay', () => {
    // Email source switched from mail to userPrincipalName; the admin had edited the first name only.
    const plan = decideDirectoryUser(ctx({ emailSource: 'user_principal_name' }), record([G_STAFF], { previous: { data: DATA, applied: lastApplied } }), person({ firstName: 'Ada (local)' }), null);
    expect((plan as { changes: object }).changes).toEqual({ email: { before: 'ada.lovelace@contoso.example', after: 'ada@contoso.onmicrosoft.com' } });
  });
  it('a contact’s phone type follows a new default phone type unless it was edited', () => {
    const contact = person({ type: 'contact', phoneType: 'mobile', departmentId: null, locationId: null, securityRoleId: 'role-clients', clientAccountId: 'acct-initech', jobTitleId: 'job-engineer' });
    const applied = { ...lastApplied, phoneType: 'mobile' };
    const r = record([G_CLIENTS], { previous: { data: DATA, applied } });
    expect(decideDirectoryUser(ctx({ defaultPhoneType: 'home' }), r, contact, null)).toMatchObject({ changes: { phoneType: { before: 'mobile', after: 'home' } } });
    expect(decideDirectoryUser(ctx({ defaultPhoneType: 'home' }), r, { ...contact, phoneType: 'fax' }, null)).toMatchObject({ changes: {} });
  });
  it('a stored copy from before the sync kept applied values counts what it maps to as applied', () => {
    expect(decideDirectoryUser(ctx(), record([G_STAFF], { previous: { data: DATA, applied: null } }), edited, null)).toMatchObject({ changes: {} });
    // A new phone type default reaches a contact whose phone type is what the stored copy gives.
    const contact = person({ type: 'contact', phoneType: 'mobile', departmentId: null, locationId: null, securityRoleId: 'role-clients', clientAccountId: 'acct-initech', jobTitleId: 'job-engineer' });
    expect(decideDirectoryUser(ctx({ defaultPhoneType: 'mobile' }), record([G_CLIENTS], { previous: { data: DATA, applied: null } }), contact, null)).toMatchObject({ changes: {} });
  });
});

describe('contacts', () => {
  it('a contact gets the Job Title too (seed 003 maps it for everyone)', () => {
    const plan = decideDirectoryUser(ctx(), record([G_CLIENTS]), null, null);
    expect(plan).toMatchObject({ kind: 'create', record: { type: 'contact', jobTitleId: 'job-engineer', phoneType: 'mobile' } });
  });
  it('an inactive person who is enabled and covered again is reactivated', () => {
    expect(decideDirectoryUser(ctx(), record([G_STAFF]), person({ status: 'inactive' }), null)).toMatchObject({ changes: { status: { before: 'inactive', after: 'active' } } });
  });
  it('another organization’s person, an admin-removed person and an email clash are skipped with reasons', () => {
    expect(decideDirectoryUser(ctx(), record([G_STAFF]), null, person({ organizationId: 'org-other' }))).toMatchObject({ kind: 'skip', reason: 'other_org' });
    expect(decideDirectoryUser(ctx(), record([G_STAFF]), person({ removedByAdmin: true }), null)).toMatchObject({ kind: 'skip', reason: 'person_removed' });
    expect(decideDirectoryUser(ctx(), record([G_STAFF]), person(), person({ id: 'person-other' }))).toMatchObject({ kind: 'skip', reason: 'email_conflict' });
  });
  it('a person another user of the tenant is linked to is not merged by email; one whose linked user is gone, or linked to this user, is', () => {
    const r = record([G_STAFF]);
    expect(decideDirectoryUser(ctx(), r, null, person(), 'object-of-someone-else')).toMatchObject({ kind: 'skip', reason: 'email_conflict', personId: null });
    expect(decideDirectoryUser(ctx(), r, null, person(), null)).toMatchObject({ kind: 'update', personId: 'person-ada', link: true });
    expect(decideDirectoryUser(ctx(), r, null, person(), r.objectId)).toMatchObject({ kind: 'update', personId: 'person-ada', link: true });
  });
});

describe('deactivate, never delete', () => {
  it('@removed → deactivate the linked person', () => {
    expect(decideDirectoryUser(ctx(), record([], { removed: true, data: {} }), person(), null)).toMatchObject({ kind: 'deactivate', reason: 'azure_removed' });
    expect(decideDirectoryUser(ctx(), record([], { removed: true, data: {} }), null, null)).toMatchObject({ kind: 'skip', reason: 'not_linked' });
  });
  it('accountEnabled false → deactivate', () => {
    expect(decideDirectoryUser(ctx(), record([G_STAFF], { data: { ...DATA, accountEnabled: false } }), person(), null)).toMatchObject({ kind: 'deactivate', reason: 'azure_disabled' });
  });
  it('no matching rule → no access: unknown users are not created, linked ones are deactivated', () => {
    expect(decideDirectoryUser(ctx(), record(['group-unmapped']), null, null)).toMatchObject({ kind: 'skip', reason: 'no_matching_rule' });
    expect(decideDirectoryUser(ctx(), record(['group-unmapped']), person(), null)).toMatchObject({ kind: 'deactivate', reason: 'no_matching_rule' });
  });
  it('the root user is exempt: never deactivated, archived or re-roled', () => {
    const root = person({ id: 'person-root' });
    expect(decideDirectoryUser(ctx(), record(['group-unmapped']), root, null)).toMatchObject({ kind: 'update', ruleId: null });
    expect(decideDirectoryUser(ctx(), record([], { removed: true }), root, null)).toMatchObject({ kind: 'skip', reason: 'unchanged' });
    expect(decideDirectoryUser(ctx(), record([G_CLIENTS]), root, null)).toMatchObject({ kind: 'update', changes: {} });
  });
});

describe('archive rule', () => {
  it('an employee the rules now make a contact is archived (…_Archived) and a contact is created', () => {
    const plan = decideDirectoryUser(ctx(), record([G_CLIENTS]), person(), null);
    expect(plan).toMatchObject({
      kind: 'archive',
      personId: 'person-ada',
      archive: {
        status: { before: 'active', after: 'archived' },
        email: { before: 'ada.lovelace@contoso.example', after: 'ada.lovelace@contoso.example_Archived' },
        username: { before: 'ada', after: 'ada_Archived' },
      },
      record: { type: 'contact', email: 'Ada.Lovelace@contoso.example' },
      ruleId: 'clients',
    });
  });
});

describe('a SCIM directory through the same decision', () => {
  const scimRules = [rule('sso-any', { domain: 'contoso.example', position: 20 }), rule('sso-admins', { domain: 'contoso.example', securityGroup: 'Admins', position: 10, departmentId: 'dep-mgmt' })];
  const scim = () => ctx({ source: 'scim', tenantId: 'dir-1', rules: scimRules });

  it('matches SSO rules on the record’s email domain and group names, not the context’s tenant', () => {
    expect(decideDirectoryUser(scim(), record(['Admins'], { domain: 'contoso.example' }), null, null)).toMatchObject({ kind: 'create', ruleId: 'sso-admins', record: { securityRoleId: 'role-sso-admins', departmentId: 'dep-mgmt' } });
    expect(decideDirectoryUser(scim(), record([], { domain: 'contoso.example' }), null, null)).toMatchObject({ kind: 'create', ruleId: 'sso-any' });
    expect(decideDirectoryUser(scim(), record(['Admins'], { domain: 'other.example' }), null, null)).toMatchObject({ kind: 'skip', reason: 'no_matching_rule', detail: expect.stringContaining('domain other.example') });
  });

  it('extra fields (enterprise department, manager, attribute mappings) fill a create and follow on an update; the rule’s targets win; a contact gets no department', () => {
    const extra = { create: { departmentId: 'dep-projects', managerId: 'person-boss', employeeRoleId: 'er-l2' }, update: { departmentId: 'dep-finance', managerId: 'person-boss2' } };
    expect(decideDirectoryUser(scim(), record([], { domain: 'contoso.example', extra }), null, null)).toMatchObject({ kind: 'create', record: { departmentId: 'dep-projects', managerId: 'person-boss', employeeRoleId: 'er-l2' } });
    expect(decideDirectoryUser(scim(), record(['Admins'], { domain: 'contoso.example', extra }), null, null)).toMatchObject({ kind: 'create', record: { departmentId: 'dep-mgmt', managerId: 'person-boss' } });
    const updated = decideDirectoryUser(scim(), record([], { domain: 'contoso.example', extra }), person(), null);
    expect(updated).toMatchObject({ kind: 'update', changes: { departmentId: { before: 'dep-service', after: 'dep-finance' }, managerId: { before: null, after: 'person-boss2' } } });
    const contactRules = [rule('c', { domain: 'contoso.example', userType: 'contact', clientAccountId: 'acct-initech' })];
    expect(decideDirectoryUser(ctx({ source: 'scim', tenantId: 'dir-1', rules: contactRules }), record([], { domain: 'contoso.example', extra }), null, null)).toMatchObject({ kind: 'create', record: { type: 'contact', departmentId: null, managerId: null } });
  });

  it('delete and active:false deactivate with SCIM reason codes and wording; never the root user', () => {
    expect(decideDirectoryUser(scim(), record([], { domain: 'contoso.example', removed: true }), person(), null)).toMatchObject({ kind: 'deactivate', reason: 'scim_deleted', detail: 'The user was deleted in the SCIM directory.' });
    const disabled = record([], { domain: 'contoso.example', data: { ...DATA, accountEnabled: false } });
    expect(decideDirectoryUser(scim(), disabled, person(), null)).toMatchObject({ kind: 'deactivate', reason: 'scim_inactive' });
    expect(decideDirectoryUser(scim(), disabled, person({ id: 'person-root' }), null)).toMatchObject({ kind: 'skip', reason: 'unchanged' });
  });
});
