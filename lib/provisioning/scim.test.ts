import { describe, expect, it } from 'vitest';
import { ENTERPRISE_USER, primaryValue, scimBoolean, scimUserRecord } from './scim';

describe('scimUserRecord', () => {
  it('maps names, the primary email (not the first), phone, title, active and the enterprise extension', () => {
    const r = scimUserRecord({
      userName: 'ann@acme.example',
      name: { givenName: ' Ann ', familyName: 'Adams' },
      emails: [
        { value: 'ann@home.example', type: 'home' },
        { value: 'Ann.Adams@Acme.example', type: 'work', primary: 'True' },
      ],
      phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
      title: 'Engineer',
      active: 'False',
      employeeNumber: '42',
      [ENTERPRISE_USER]: { department: 'Projects', manager: { value: 'm-1' }, costCenter: 'CC7' },
    });
    expect(r.domain).toBe('acme.example');
    expect(r.data).toMatchObject({ givenName: 'Ann', surname: 'Adams', userPrincipalName: 'ann@acme.example', mail: 'Ann.Adams@Acme.example', businessPhones: ['+1 555 0100'], jobTitle: 'Engineer', accountEnabled: false, department: 'Projects', manager: 'm-1' });
    expect(r.data.attributes).toMatchObject({ employeeNumber: '42', costCenter: 'CC7', department: 'Projects', manager: 'm-1', title: 'Engineer' });
  });

  it('falls back to an email-shaped userName, treats a missing active as true, and a bare manager id', () => {
    expect(scimUserRecord({ userName: 'bob@x.example', [ENTERPRISE_USER]: { manager: 'm-2' } }).data).toMatchObject({ mail: 'bob@x.example', accountEnabled: true, manager: 'm-2' });
    expect(scimUserRecord({ userName: 'not-an-email' })).toMatchObject({ data: { mail: null }, domain: null });
  });

  it('reads SCIM booleans and primary values defensively', () => {
    expect([scimBoolean('TRUE', false), scimBoolean('false', true), scimBoolean('maybe', true), scimBoolean(undefined, false)]).toEqual([true, false, true, false]);
    expect(primaryValue([{ value: 'a', type: 'home' }, { value: 'b', type: 'work' }])).toBe('b');
    expect(primaryValue('x')).toBeUndefined();
  });
});
