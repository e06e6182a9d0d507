import { describe, expect, it } from 'vitest';
import { ENTERPRISE_USER } from '@/lib/provisioning/scim';
import { normalizeOperations, parseBody, parseFilter } from './request';

describe('SCIM PATCH operations as Jackson applies them', () => {
  it('lower-cases ops, turns "False" into false, addresses enterprise attributes by a bracketed URN, strips the core URN', () => {
    expect(
      normalizeOperations('Users', [
        { op: 'Replace' as 'replace', path: 'active', value: 'False' },
        { op: 'Add' as 'add', path: `${ENTERPRISE_USER}:manager`, value: 'm-1' },
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:title', value: 'Lead' },
        { op: 'replace', value: { active: 'True', [`${ENTERPRISE_USER}:department`]: 'Sales', [ENTERPRISE_USER]: { costCenter: 'C1' } } },
      ]),
    ).toEqual([
      { op: 'replace', path: 'active', value: false },
      { op: 'add', path: `["${ENTERPRISE_USER}"].manager`, value: 'm-1' },
      { op: 'replace', path: 'title', value: 'Lead' },
      { op: 'replace', path: `["${ENTERPRISE_USER}"].department`, value: 'Sales' },
      { op: 'replace', path: `["${ENTERPRISE_USER}"].costCenter`, value: 'C1' },
      { op: 'replace', value: { active: true } },
    ]);
  });

  it('refuses bodies and filters it cannot serve with a scimType', () => {
    expect(parseBody('Users', 'POST', '{"userName":""}')).toMatchObject({ ok: false, error: { status: 400, body: { scimType: 'invalidValue' } } });
    expect(parseBody('Users', 'PATCH', '{"Operations":[{"op":"move"}]}')).toMatchObject({ ok: false, error: { status: 400, body: { scimType: 'invalidSyntax' } } });
    expect(parseFilter('Users', 'userName eq "a\\"b"')).toEqual({ ok: true, filter: 'userName eq "a"b"' });
    expect(parseFilter('Groups', 'userName eq "x"')).toMatchObject({ ok: false, error: { body: { scimType: 'invalidFilter' } } });
    expect(parseFilter('Users', 'externalId eq "00u1"')).toEqual({ ok: true, filter: undefined, match: { attribute: 'externalId', value: '00u1' } });
    expect(parseFilter('Users', 'ID eq "abc"')).toEqual({ ok: true, filter: undefined, match: { attribute: 'id', value: 'abc' } });
    expect(parseFilter('Users', 'emails[type eq "work"].value eq "a@b.example"')).toEqual({ ok: true, filter: undefined, match: { attribute: 'workEmail', value: 'a@b.example' } });
    for (const f of ['emails[type eq "home"].value eq "a"', 'externalId ne "x"', 'externalId eq "x" and userName eq "y"', 'title eq "x"']) {
      expect(parseFilter('Users', f)).toMatchObject({ ok: false, error: { status: 400, body: { scimType: 'invalidFilter' } } });
    }
    expect(parseFilter('Groups', 'externalId eq "x"')).toMatchObject({ ok: false, error: { body: { scimType: 'invalidFilter' } } });
  });
});
