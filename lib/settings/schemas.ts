import { z } from 'zod';

// Settings schemas, shared by the admin forms (react-hook-form resolvers) and the services.

export const EMPLOYEE_DEFAULT_FIELDS = [
  ['departmentId', 'Department'],
  ['locationId', 'Location'],
  ['managerId', 'Manager'],
  ['jobTitleId', 'Job Title'],
  ['employmentTypeId', 'Employment Type'],
  ['securityRoleId', 'Security Role'],
  ['employeeRoleId', 'Employee Role'],
] as const;
export type EmployeeDefaultField = (typeof EMPLOYEE_DEFAULT_FIELDS)[number][0];

/** "a Department", "an Employee Role". */
export const aOrAn = (label: string) => `${/^[AEIOU]/i.test(label) ? 'an' : 'a'} ${label}`;

/** Every default new people get: the required Employee Defaults plus the optional client Account. */
export const DEFAULT_FIELDS = [...EMPLOYEE_DEFAULT_FIELDS, ['clientAccountId', 'Account']] as const;
export type DefaultField = (typeof DEFAULT_FIELDS)[number][0];

/** Blank number fields count as missing (not 0), so an empty box says what to enter. */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/**
 * The mass-deactivation guard's thresholds, the same for an Azure AD connection and a SCIM
 * directory: hold deactivations above this share of the active people, and at least this many.
 */
export const guardSchema = z.object({
  guardPercent: z.preprocess(blankToUndefined, z.coerce.number({ error: 'Enter a percentage.' }).int('Enter a whole percentage.').min(1, 'Between 1 and 100.').max(100, 'Between 1 and 100.')),
  guardMinimum: z.preprocess(blankToUndefined, z.coerce.number({ error: 'Enter a number of people.' }).int('Enter a whole number.').min(1, 'At least 1.').max(100_000, 'At most 100,000.')),
});
export type GuardValues = z.output<typeof guardSchema>;

const optionalId = z.preprocess((v) => (v === '' || v === undefined ? null : v), z.uuid().nullable());

export const kaseyaOneSettingsSchema = z
  .object({
    loginEnabled: z.boolean(),
    autoCreationEnabled: z.boolean(),
    kaseyaOneOrgId: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), z.string().trim().max(200).nullable()),
    departmentId: optionalId,
    locationId: optionalId,
    managerId: optionalId,
    jobTitleId: optionalId,
    employmentTypeId: optionalId,
    securityRoleId: optionalId,
    employeeRoleId: optionalId,
    /** The client Account new people attach to; optional (employees need none). */
    clientAccountId: optionalId,
    /** Cap on people created automatically (KaseyaOne and SSO JIT); empty = no cap. */
    seatCap: z.preprocess(
      (v) => (v === '' || v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v)) ? null : v),
      z.coerce.number({ error: 'Enter a whole number, or leave it empty for no cap.' }).int('Enter a whole number, or leave it empty for no cap.').min(1, 'The cap is at least 1; leave it empty for no cap.').max(1_000_000, 'Keep the cap under a million.').nullable(),
    ),
  })
  .superRefine((v, ctx) => {
    if (v.autoCreationEnabled && !v.loginEnabled) {
      ctx.addIssue({ code: 'custom', path: ['autoCreationEnabled'], message: 'Turn on Enable Log In With KaseyaOne before Automatic User Creation.' });
    }
    if (v.loginEnabled && !v.kaseyaOneOrgId) {
      ctx.addIssue({ code: 'custom', path: ['kaseyaOneOrgId'], message: 'Enter your KaseyaOne partner organization ID: only its users may log in.' });
    }
    if (!v.autoCreationEnabled) return;
    for (const [field, label] of EMPLOYEE_DEFAULT_FIELDS) {
      if (!v[field]) ctx.addIssue({ code: 'custom', path: [field], message: `Choose ${aOrAn(label)}.` });
    }
  });

export type KaseyaOneSettingsInput = z.input<typeof kaseyaOneSettingsSchema>;
export type KaseyaOneSettings = z.output<typeof kaseyaOneSettingsSchema>;

export const provisioningMethodSchema = z.object({ method: z.enum(['none', 'sso_jit', 'azure_ad']) });

const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);

export const mappingRuleSchema = z.object({
  id: z.preprocess(blankToNull, z.uuid().nullable()).optional(),
  domain: z.preprocess(blankToNull, z.string().trim().toLowerCase().max(253).regex(/^[a-z0-9.-]+$/, 'Enter a domain like contoso.com, or leave empty for any.').nullable()),
  securityGroup: z.preprocess(blankToNull, z.string().trim().max(500).nullable()),
  userType: z.enum(['employee', 'contact']),
  securityRoleId: z.uuid('Choose a Security Role.'),
  departmentId: optionalId,
  locationId: optionalId,
  employeeRoleId: optionalId,
  position: z.coerce.number({ error: 'Enter a whole number.' }).int('Enter a whole number.').min(0, 'The order is 0 or more.').max(100000),
});
export type MappingRuleInput = z.input<typeof mappingRuleSchema>;
export type MappingRuleValues = z.output<typeof mappingRuleSchema>;

/** Person fields an attribute mapping may fill (lookups resolve by name). */
export const MAPPABLE_FIELD_LABELS = {
  firstName: 'First Name',
  lastName: 'Last Name',
  username: 'Username',
  phone: 'Phone',
  departmentId: 'Department',
  locationId: 'Location',
  jobTitleId: 'Job Title',
  employmentTypeId: 'Employment Type',
  employeeRoleId: 'Employee Role',
  clientAccountId: 'Account',
} as const;

export const attributeMappingSchema = z.object({
  attributeName: z.string().trim().min(1, 'Enter the assertion attribute name (a claim URI is fine).').max(500),
  personField: z.enum(Object.keys(MAPPABLE_FIELD_LABELS) as [keyof typeof MAPPABLE_FIELD_LABELS, ...(keyof typeof MAPPABLE_FIELD_LABELS)[]], { error: 'Choose a person field.' }),
  defaultValue: z.preprocess(blankToNull, z.string().trim().max(500).nullable()),
  applyOn: z.enum(['create', 'every_login']),
});
export type AttributeMappingInput = z.input<typeof attributeMappingSchema>;

/** A KaseyaOne organization an admin adds by hand (we read none from KaseyaOne's API here). */
export const kaseyaOneOrganizationSchema = z.object({
  externalId: z
    .string()
    .trim()
    .min(1, 'Enter the organization ID KaseyaOne shows.')
    .max(200, 'Keep the ID under 200 characters.')
    .regex(/^\S+$/, 'The ID has no spaces.'),
  name: z.string().trim().min(1, 'Enter the organization name.').max(200, 'Keep the name under 200 characters.'),
  clientAccountId: optionalId,
});
export type KaseyaOneOrganizationInput = z.input<typeof kaseyaOneOrganizationSchema>;

/** Map a KaseyaOne organization to a client Account, or unmap it (null). */
export const kaseyaOneOrganizationMappingSchema = z.object({ id: z.uuid(), clientAccountId: optionalId });
