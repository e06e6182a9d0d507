import { describe, expect, it } from 'vitest';
import { describeDiff, fieldLabel } from './labels';

const names = new Map([
  ['11111111-1111-4111-8111-111111111111', 'Technician'],
  ['22222222-2222-4222-8222-222222222222', 'Ava Root'],
]);

describe('readable changes', () => {
  it('person fields read as the forms label them; the raw key stays alongside', () => {
    const rows = describeDiff(
      {
        securityRoleId: { before: null, after: '11111111-1111-4111-8111-111111111111' },
        managerId: { before: null, after: '22222222-2222-4222-8222-222222222222' },
        clientAccountId: { before: 'gone-id', after: null },
        type: { before: null, after: 'employee' },
        status: { before: 'active', after: 'inactive' },
        lockedFields: { before: [], after: ['firstName', 'securityRoleId'] },
      },
      names,
    );
    expect(rows.map((r) => `${r.label}: ${r.before} → ${r.after}`)).toEqual([
      'Security Role: — → Technician',
      'Manager: — → Ava Root',
      'Account: gone-id → —',
      'User type: — → Employee',
      'Status: Active → Inactive',
      'Locked fields: none → First Name, Security Role',
    ]);
    expect(rows[0]!.field).toBe('securityRoleId');
  });

  it('settings keys, nested values and unknown keys read as words', () => {
    expect(fieldLabel('attributeMapping.departmentId')).toBe('Attribute mapping: Department');
    expect(fieldLabel('kaseyaOneOrganization.k1.1001.account')).toBe('KaseyaOne organization k1.1001, Account');
    expect(fieldLabel('kaseyaOneOrganization.k1-1001')).toBe('KaseyaOne organization k1-1001');
    expect(fieldLabel('loginEnabled')).toBe('Enable Log In With KaseyaOne');
    expect(fieldLabel('someNewSetting')).toBe('Some new setting');
    const [rule] = describeDiff({ mappingRule: { before: null, after: { domain: null, securityGroup: 'Techs', userType: 'contact', securityRoleId: '11111111-1111-4111-8111-111111111111', position: 10 } } }, names);
    expect(rule!.after).toBe('Security group Techs, User type Client portal contact, Security Role Technician, Order 10');
    const [mapping] = describeDiff({ 'attributeMapping.departmentId': { before: null, after: { attributeName: 'dept', personField: 'departmentId', applyOn: 'every_login' } } }, names);
    expect(mapping!.after).toBe('Assertion attribute dept, Person field Department, Applies On every login');
  });
});
