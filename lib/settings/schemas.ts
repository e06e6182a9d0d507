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
      if (!v[field]) ctx.addIssue({ code: 'custom', path: [field], message: `Choose a ${label}.` });
    }
  });

export type KaseyaOneSettingsInput = z.input<typeof kaseyaOneSettingsSchema>;
export type KaseyaOneSettings = z.output<typeof kaseyaOneSettingsSchema>;
