import { z } from 'zod';

// Person schemas, shared by the person page's forms (react-hook-form resolvers) and lib/people.

export const PHONE_TYPES = ['office', 'mobile', 'home', 'fax', 'other'] as const;
export const PHONE_TYPE_LABELS: Record<(typeof PHONE_TYPES)[number], string> = { office: 'Office', mobile: 'Mobile', home: 'Home', fax: 'Fax', other: 'Other' };

const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);
const optionalId = z.preprocess((v) => (v === '' || v === undefined ? null : v), z.uuid().nullable());

/** The fields an admin edits on the person page. Lookup ids must be this organization's (checked by the service). */
export const personEditSchema = z.object({
  personId: z.uuid(),
  firstName: z.string().trim().min(1, 'Enter a first name.').max(100, 'Keep the first name under 100 characters.'),
  lastName: z.string().trim().max(100, 'Keep the last name under 100 characters.'),
  username: z.preprocess(blankToNull, z.string().trim().max(100, 'Keep the username under 100 characters.').regex(/^\S+$/, 'A username has no spaces.').nullable()),
  email: z.string().trim().min(1, 'Enter an email address.').max(254, 'Keep the email under 254 characters.').pipe(z.email('Enter a valid email address.')),
  phone: z.preprocess(
    blankToNull,
    z.string().trim().max(50, 'Keep the phone number under 50 characters.').regex(/^\+?[0-9 ().-]+$/, 'Enter a phone number: digits, spaces and + ( ) - . only.').nullable(),
  ),
  phoneType: z.preprocess((v) => (v === '' || v === undefined ? null : v), z.enum(PHONE_TYPES, { error: 'Choose a phone type.' }).nullable()),
  jobTitleId: optionalId,
  departmentId: optionalId,
  locationId: optionalId,
  managerId: optionalId,
  employmentTypeId: optionalId,
  securityRoleId: z.uuid('Choose a Security Role.'),
  employeeRoleId: optionalId,
  clientAccountId: optionalId,
});
export type PersonEditInput = z.input<typeof personEditSchema>;
export type PersonEdit = z.output<typeof personEditSchema>;

/** Lookup fields of the edit form, with their labels; employees and contacts each use some. */
export const PERSON_LOOKUP_FIELDS = {
  jobTitleId: 'Job Title',
  departmentId: 'Department',
  locationId: 'Location',
  managerId: 'Manager',
  employmentTypeId: 'Employment Type',
  securityRoleId: 'Security Role',
  employeeRoleId: 'Employee Role',
  clientAccountId: 'Account',
} as const;
export type PersonLookupField = keyof typeof PERSON_LOOKUP_FIELDS;

/**
 * Which lookups apply to which kind of person: every field a login or sync can set
 * (employees get all the Employee Defaults and the Account; contacts a Job Title, Security
 * Role and Account).
 */
export const LOOKUPS_BY_TYPE: Record<'employee' | 'contact', PersonLookupField[]> = {
  employee: ['jobTitleId', 'departmentId', 'locationId', 'managerId', 'employmentTypeId', 'securityRoleId', 'employeeRoleId', 'clientAccountId'],
  contact: ['jobTitleId', 'securityRoleId', 'clientAccountId'],
};

/** The lookups shown and edited for one person: their type's, plus any other that holds a value (an attribute mapping may set one). */
export function lookupsFor(person: { type: 'employee' | 'contact' } & Partial<Record<PersonLookupField, string | null>>): PersonLookupField[] {
  const base = LOOKUPS_BY_TYPE[person.type];
  return (Object.keys(PERSON_LOOKUP_FIELDS) as PersonLookupField[]).filter((f) => base.includes(f) || Boolean(person[f]));
}
