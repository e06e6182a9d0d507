import { z } from 'zod';
import { guardSchema } from '@/lib/settings/schemas';

/** Provider types as Jackson knows them (its DirectorySyncProviders, without Google, which is not SCIM). */
export const SCIM_PROVIDERS = {
  'azure-scim-v2': 'Entra ID SCIM v2.0',
  'okta-scim-v2': 'Okta SCIM v2.0',
  'onelogin-scim-v2': 'OneLogin SCIM v2.0',
  'jumpcloud-scim-v2': 'JumpCloud v2.0',
  'generic-scim-v2': 'Generic SCIM v2.0',
} as const;
export type ScimProvider = keyof typeof SCIM_PROVIDERS;

/** Add a directory: the form's resolver and the server action share it. */
export const directorySchema = z.object({
  name: z.string().trim().min(1, 'Enter a name.').max(100, 'At most 100 characters.'),
  provider: z.enum(Object.keys(SCIM_PROVIDERS) as [ScimProvider, ...ScimProvider[]], { error: 'Choose a provider type.' }),
});
export type DirectoryInput = z.infer<typeof directorySchema>;

export const directoryIdSchema = z.object({ id: z.uuid() });

/** A directory's mass-deactivation guard: the same fields (and messages) as an Azure AD connection's. */
export const directoryGuardSchema = directoryIdSchema.extend(guardSchema.shape);
export type DirectoryGuardInput = z.input<typeof directoryGuardSchema>;

/** What the console lists per directory (no secret). */
export type DirectorySummary = {
  id: string;
  name: string;
  provider: ScimProvider;
  providerLabel: string;
  endpoint: string;
  tokenCreatedAt: Date;
  lastRequestAt: Date | null;
  users: number;
  groups: number;
  /** Mass-deactivation guard: more than this share of the active people within 10 minutes… */
  guardPercent: number;
  /** …and at least this many. */
  guardMinimum: number;
  /** Deactivations the mass-deactivation guard holds for an admin. */
  held: number;
  createdAt: Date;
};

/** The token with the directory's SCIM base URL, shown to the admin once. */
export type DirectorySecret = { id: string; endpoint: string; token: string };
