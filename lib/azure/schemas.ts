import { z } from 'zod';
import { guardSchema } from '@/lib/settings/schemas';

// Form schemas for Azure AD Sync, shared by the server actions and the react-hook-form resolvers.

const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export const azureConnectionSchema = z.object({
  id: z.preprocess(blankToNull, z.uuid().nullable()).optional(),
  tenant: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, 'Enter the Tenant Domain Name, for example contoso.onmicrosoft.com, or the tenant id.')
    .refine((v) => GUID.test(v) || DOMAIN.test(v), 'Enter a domain like contoso.onmicrosoft.com or a tenant id (a GUID).'),
  applicationId: z.string().trim().regex(GUID, 'The Application ID is a GUID, as shown on the app registration’s Overview page.'),
  /** Required for a new connection; blank on edit keeps the saved key. */
  applicationKey: z.preprocess(blankToNull, z.string().trim().min(8, 'Paste the client secret’s value (it is longer than this).').max(1024).nullable()),
  emailSource: z.enum(['mail', 'user_principal_name', 'other_mails'], { error: 'Choose where the email comes from.' }),
  intervalSeconds: z.coerce.number({ error: 'Enter a number of seconds.' }).int('Enter whole seconds.').min(10, 'Sync at most every 10 seconds.').max(86_400, 'Sync at least once a day.'),
  ...guardSchema.shape,
  maxFailures: z.coerce.number({ error: 'Enter a number.' }).int('Enter a whole number.').min(1, 'At least 1.').max(100, 'At most 100.'),
});
export type AzureConnectionInput = z.input<typeof azureConnectionSchema>;
export type AzureConnectionValues = z.output<typeof azureConnectionSchema>;

export const azureRuleSchema = z.object({
  id: z.preprocess(blankToNull, z.uuid().nullable()).optional(),
  /** The tenant (domain name or id) the rule applies to; empty = any connected tenant. */
  domain: z.preprocess(
    blankToNull,
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((v) => GUID.test(v) || DOMAIN.test(v), 'Enter the tenant’s domain or id, or leave empty for any tenant.')
      .nullable(),
  ),
  /** The Azure AD group's object id; empty = any user of the tenant. */
  securityGroup: z.preprocess(blankToNull, z.string().trim().toLowerCase().regex(GUID, 'Enter the group’s Object ID (a GUID) from Azure AD › Groups.').nullable()),
  userType: z.enum(['employee', 'contact'], { error: 'Choose Employee or Client Portal Contact.' }),
  securityRoleId: z.uuid('Choose a Security Role.'),
  departmentId: z.preprocess(blankToNull, z.uuid().nullable()),
  locationId: z.preprocess(blankToNull, z.uuid().nullable()),
  employeeRoleId: z.preprocess(blankToNull, z.uuid().nullable()),
  position: z.coerce.number({ error: 'Enter a whole number.' }).int('Enter a whole number.').min(0, 'The order is 0 or more.').max(100000),
});

export const runDecisionSchema = z.object({ runId: z.uuid(), decision: z.enum(['confirm', 'discard']) });
export const connectionIdSchema = z.object({ id: z.uuid() });
