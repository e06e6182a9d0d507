import { z } from 'zod';

// Person schemas, shared by the person page's forms (react-hook-form resolvers) and lib/people.

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
  jobTitleId: optionalId,
  departmentId: optionalId,
  locationId: optionalId,
  securityRoleId: z.uuid('Choose a Security Role.'),
  employeeRoleId: optionalId,
  /** Client portal contacts only. */
  clientAccountId: optionalId,
});
export type PersonEditInput = z.input<typeof personEditSchema>;
export type PersonEdit = z.output<typeof personEditSchema>;

/** Lookup fields of the edit form, with their labels; employees and contacts each use some. */
export const PERSON_LOOKUP_FIELDS = {
  jobTitleId: 'Job Title',
  departmentId: 'Department',
  locationId: 'Location',
  securityRoleId: 'Security Role',
  employeeRoleId: 'Employee Role',
  clientAccountId: 'Account',
} as const;
export type PersonLookupField = keyof typeof PERSON_LOOKUP_FIELDS;

/** Which lookups apply to which kind of person (contacts have an Account, not a department). */
export const LOOKUPS_BY_TYPE: Record<'employee' | 'contact', PersonLookupField[]> = {
  employee: ['jobTitleId', 'departmentId', 'locationId', 'securityRoleId', 'employeeRoleId'],
  contact: ['jobTitleId', 'securityRoleId', 'clientAccountId'],
};
