import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

// One table for employees and client-portal contacts (`people.type`): email is unique
// across the platform, so one unique index on lower(email) enforces it; identity
// links, locks, status and the provisioning log all point at one kind of row; and an
// employee the directory turns into a contact is archived and a new row created,
// which needs no second table.

export const orgStatus = pgEnum('org_status', ['active', 'inactive']);
export const personType = pgEnum('person_type', ['employee', 'contact']);
export const personStatus = pgEnum('person_status', ['active', 'inactive', 'archived']);
export const personSource = pgEnum('person_source', ['local', 'sso_jit', 'kaseyaone', 'azure_ad', 'scim']);
export const identitySource = pgEnum('identity_source', ['sso', 'kaseyaone', 'azure', 'scim']);
export const phoneType = pgEnum('phone_type', ['office', 'mobile', 'home', 'fax', 'other']);
export const provisioningMethod = pgEnum('provisioning_method', ['none', 'sso_jit', 'azure_ad']);
export const ruleKind = pgEnum('rule_kind', ['sso', 'azure']);
export const applyOn = pgEnum('apply_on', ['create', 'every_login']);
export const eventType = pgEnum('event_type', [
  'login_allowed',
  'login_denied',
  'person_created',
  'person_updated',
  'person_deactivated',
  'person_reactivated',
  'person_archived',
  'person_merged',
  'settings_changed',
  'sync_skipped',
  'person_removed',
  'person_restored',
  'sso_failed',
  'scim_request_refused',
]);

const id = () => uuid('id').primaryKey().defaultRandom();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const orgId = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' });

export const organizations = pgTable('organizations', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  status: orgStatus('status').notNull().default('active'),
  contractEndsOn: date('contract_ends_on'),
  kaseyaOneOrgId: text('kaseyaone_org_id'),
  rootPersonId: uuid('root_person_id').references((): AnyPgColumn => people.id, { onDelete: 'set null' }),
  products: text('products').array().notNull().default(sql`'{}'::text[]`),
  verifiedDomains: text('verified_domains').array().notNull().default(sql`'{}'::text[]`),
  createdAt: createdAt(),
}, (t) => [
  // The platform KaseyaOne IdP routes each login by this id, so one organization per id.
  uniqueIndex('organizations_kaseyaone_org_id_lower_uq').on(sql`lower(${t.kaseyaOneOrgId})`),
]);

/** The per-organization lookups share one shape; each is its own table so foreign keys stay exact. */
function lookupTable(name: string) {
  return pgTable(
    name,
    { id: id(), organizationId: orgId(), name: text('name').notNull(), createdAt: createdAt() },
    (t) => [uniqueIndex(`${name}_org_name_uq`).on(t.organizationId, sql`lower(${t.name})`)],
  );
}

export const departments = lookupTable('departments');
export const locations = lookupTable('locations');
export const jobTitles = lookupTable('job_titles');
export const employmentTypes = lookupTable('employment_types');
export const employeeRoles = lookupTable('employee_roles');
export const clientAccounts = lookupTable('client_accounts');

export const securityRoles = pgTable(
  'security_roles',
  {
    id: id(),
    organizationId: orgId(),
    name: text('name').notNull(),
    /** 0 = least access; higher grants more. Shown to admins choosing a default role. */
    accessLevel: integer('access_level').notNull().default(0),
    isAdmin: boolean('is_admin').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('security_roles_org_name_uq').on(t.organizationId, sql`lower(${t.name})`)],
);

export const people = pgTable(
  'people',
  {
    id: id(),
    organizationId: orgId(),
    type: personType('type').notNull(),
    status: personStatus('status').notNull().default('active'),
    source: personSource('source').notNull().default('local'),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    username: text('username'),
    email: text('email').notNull(),
    phone: text('phone'),
    phoneType: phoneType('phone_type'),
    jobTitleId: uuid('job_title_id').references(() => jobTitles.id, { onDelete: 'set null' }),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    locationId: uuid('location_id').references(() => locations.id, { onDelete: 'set null' }),
    managerId: uuid('manager_id').references((): AnyPgColumn => people.id, { onDelete: 'set null' }),
    employmentTypeId: uuid('employment_type_id').references(() => employmentTypes.id, { onDelete: 'set null' }),
    securityRoleId: uuid('security_role_id').references(() => securityRoles.id, { onDelete: 'set null' }),
    employeeRoleId: uuid('employee_role_id').references(() => employeeRoles.id, { onDelete: 'set null' }),
    clientAccountId: uuid('client_account_id').references(() => clientAccounts.id, { onDelete: 'set null' }),
    passwordHash: text('password_hash'),
    /** Fields an admin locked: IdP logins and directory sync leave them alone. */
    lockedFields: text('locked_fields').array().notNull().default(sql`'{}'::text[]`),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    /** Set when an admin removed the person on purpose (tombstone): JIT will not re-create them. */
    removedAt: timestamp('removed_at', { withTimezone: true }),
    /** Why the admin removed them, as they wrote it (shown on the person page). */
    removedReason: text('removed_reason'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('people_email_lower_uq').on(sql`lower(${t.email})`),
    // List pages: sort by name (with id as the tie-break) or email, within an organization and type.
    index('people_org_type_name_idx').on(t.organizationId, t.type, t.lastName, t.firstName, t.id),
    index('people_org_type_email_idx').on(t.organizationId, t.type, sql`lower(${t.email})`),
    // Search by any part of the email or name (ILIKE '%…%') through trigrams.
    index('people_email_trgm_idx').using('gin', sql`${t.email} gin_trgm_ops`),
    index('people_name_trgm_idx').using('gin', sql`(${t.firstName} || ' ' || ${t.lastName}) gin_trgm_ops`),
  ],
);

/**
 * A person's id at an identity source. Unique per (source, scope, external id): the
 * scope is the issuer (SSO connection, KaseyaOne partner org, Azure tenant), because
 * two IdPs may both hand out NameID "jdoe".
 */
export const personIdentities = pgTable(
  'person_identities',
  {
    id: id(),
    organizationId: orgId(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    source: identitySource('source').notNull(),
    scope: text('scope').notNull().default(''),
    externalId: text('external_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('person_identities_source_ext_uq').on(t.source, t.scope, t.externalId),
    index('person_identities_person_idx').on(t.personId),
  ],
);

/**
 * A person's group memberships as each identity source last reported them (seed 004:
 * "the contact's connections to user groups"). Replaced, never appended to, on every
 * login or sync that reports them; SSO/KaseyaOne store group names, Azure AD object ids.
 */
export const personGroups = pgTable(
  'person_groups',
  {
    organizationId: orgId(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    source: identitySource('source').notNull(),
    groupName: text('group_name').notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('person_groups_pk').on(t.personId, t.source, t.groupName)],
);

export const provisioningSettings = pgTable('provisioning_settings', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  method: provisioningMethod('method').notNull().default('none'),
  kaseyaOneLoginEnabled: boolean('kaseyaone_login_enabled').notNull().default(false),
  autoCreationEnabled: boolean('auto_creation_enabled').notNull().default(false),
  /** Once Automatic User Creation was enabled, the defaults form stays visible. */
  autoCreationEverEnabled: boolean('auto_creation_ever_enabled').notNull().default(false),
  defaultDepartmentId: uuid('default_department_id').references(() => departments.id, { onDelete: 'set null' }),
  defaultLocationId: uuid('default_location_id').references(() => locations.id, { onDelete: 'set null' }),
  defaultManagerId: uuid('default_manager_id').references(() => people.id, { onDelete: 'set null' }),
  defaultJobTitleId: uuid('default_job_title_id').references(() => jobTitles.id, { onDelete: 'set null' }),
  defaultEmploymentTypeId: uuid('default_employment_type_id').references(() => employmentTypes.id, { onDelete: 'set null' }),
  defaultSecurityRoleId: uuid('default_security_role_id').references(() => securityRoles.id, { onDelete: 'set null' }),
  defaultEmployeeRoleId: uuid('default_employee_role_id').references(() => employeeRoles.id, { onDelete: 'set null' }),
  defaultClientAccountId: uuid('default_client_account_id').references(() => clientAccounts.id, { onDelete: 'set null' }),
  defaultPhoneType: phoneType('default_phone_type').notNull().default('office'),
  /** Optional cap on how many people auto-creation may add. */
  seatCap: integer('seat_cap'),
  /** Admins who sign in with a password must turn on two-factor before they can use the console. */
  requireAdminTwoFactor: boolean('require_admin_two_factor').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const mappingRules = pgTable(
  'mapping_rules',
  {
    id: id(),
    organizationId: orgId(),
    kind: ruleKind('kind').notNull(),
    /** SSO: the IdP email domain; Azure: the tenant id. Null = any. */
    domain: text('domain'),
    /** SSO: the security group name; Azure: the group object id. Null = any. */
    securityGroup: text('security_group'),
    userType: personType('user_type').notNull(),
    securityRoleId: uuid('security_role_id')
      .notNull()
      .references(() => securityRoles.id, { onDelete: 'restrict' }),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    locationId: uuid('location_id').references(() => locations.id, { onDelete: 'set null' }),
    employeeRoleId: uuid('employee_role_id').references(() => employeeRoles.id, { onDelete: 'set null' }),
    clientAccountId: uuid('client_account_id').references(() => clientAccounts.id, { onDelete: 'set null' }),
    position: integer('position').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('mapping_rules_org_kind_idx').on(t.organizationId, t.kind, t.position, t.createdAt)],
);

export const attributeMappings = pgTable(
  'attribute_mappings',
  {
    id: id(),
    organizationId: orgId(),
    attributeName: text('attribute_name').notNull(),
    personField: text('person_field').notNull(),
    defaultValue: text('default_value'),
    applyOn: applyOn('apply_on').notNull().default('every_login'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('attribute_mappings_org_field_uq').on(t.organizationId, t.personField)],
);

export const provisioningEvents = pgTable(
  'provisioning_events',
  {
    id: id(),
    organizationId: orgId(),
    type: eventType('type').notNull(),
    reasonCode: text('reason_code'),
    source: text('source').notNull(),
    actorPersonId: uuid('actor_person_id').references(() => people.id, { onDelete: 'set null' }),
    personId: uuid('person_id').references(() => people.id, { onDelete: 'set null' }),
    ruleId: uuid('rule_id').references(() => mappingRules.id, { onDelete: 'set null' }),
    /** Per-field changes: { field: { before, after } }. */
    diff: jsonb('diff').$type<Record<string, { before: unknown; after: unknown }>>().notNull().default({}),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('provisioning_events_org_created_idx').on(t.organizationId, t.createdAt),
    index('provisioning_events_person_idx').on(t.personId),
  ],
);

export type Organization = typeof organizations.$inferSelect;
export type Person = typeof people.$inferSelect;
export type NewPerson = typeof people.$inferInsert;
export type SecurityRole = typeof securityRoles.$inferSelect;
export type ProvisioningEvent = typeof provisioningEvents.$inferSelect;

/**
 * SAML assertions already consumed, until they could no longer be valid anyway. Jackson
 * rejects a replayed SP-initiated response (its session is spent) but not an
 * IdP-initiated one, so the ACS claims every assertion id here first.
 */
export const samlAssertionsSeen = pgTable('saml_assertions_seen', {
  assertionId: text('assertion_id').primaryKey(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

/**
 * A single sign-on step that failed before the response could be tied to an organization
 * (unknown issuer, the platform KaseyaOne IdP, a broken OIDC callback). Its id is the
 * reference the person sees; failures tied to an organization are provisioning events instead.
 */
export const ssoFailures = pgTable('sso_failures', {
  id: id(),
  step: text('step').notNull(),
  reasonCode: text('reason_code').notNull(),
  issuer: text('issuer'),
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
}, (t) => [index('sso_failures_created_idx').on(t.createdAt)]);

/**
 * KaseyaOne organizations the partner manages, as KaseyaOne names them, each optionally
 * mapped to one of our client Accounts (KaseyaOne Settings › Organizations).
 */
export const kaseyaOneOrganizations = pgTable(
  'kaseyaone_organizations',
  {
    id: id(),
    organizationId: orgId(),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    clientAccountId: uuid('client_account_id').references(() => clientAccounts.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('kaseyaone_organizations_org_ext_uq').on(t.organizationId, t.externalId),
    index('kaseyaone_organizations_org_name_idx').on(t.organizationId, sql`lower(${t.name})`),
  ],
);

// ---- Azure AD (Microsoft Entra ID) sync ----

export const azureConnectionStatus = pgEnum('azure_connection_status', ['new', 'connected', 'failed', 'reconnecting', 'paused']);
export const azureEmailSource = pgEnum('azure_email_source', ['mail', 'user_principal_name', 'other_mails']);
export const azureRunStatus = pgEnum('azure_run_status', ['running', 'succeeded', 'failed', 'awaiting_confirmation', 'cancelled']);

export const azureConnections = pgTable(
  'azure_connections',
  {
    id: id(),
    organizationId: orgId(),
    /** What the admin typed: the tenant's domain name or its id. */
    tenant: text('tenant').notNull(),
    /** The tenant's GUID once Microsoft told us (admin consent); rules match on it. */
    tenantId: text('tenant_id'),
    applicationId: text('application_id').notNull(),
    /** AES-256-GCM of the Application Key (lib/crypto/secrets.ts); never leaves the server. */
    secretCiphertext: text('secret_ciphertext').notNull(),
    /** Last characters of the key, for the masked display. */
    secretHint: text('secret_hint').notNull(),
    status: azureConnectionStatus('status').notNull().default('new'),
    /** The last failure in words, with its AADSTS code or Graph error code. */
    statusDetail: text('status_detail'),
    /** Anti-forgery value for the admin-consent round trip. */
    consentState: text('consent_state'),
    consentedAt: timestamp('consented_at', { withTimezone: true }),
    emailSource: azureEmailSource('email_source').notNull().default('mail'),
    intervalSeconds: integer('interval_seconds').notNull().default(60),
    /** Mass-deactivation guard: pause when a run would deactivate more than this share… */
    guardPercent: integer('guard_percent').notNull().default(20),
    /** …and at least this many people. */
    guardMinimum: integer('guard_minimum').notNull().default(10),
    /** Consecutive failures before the connection waits and reconnects. */
    maxFailures: integer('max_failures').notNull().default(5),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    reconnectAt: timestamp('reconnect_at', { withTimezone: true }),
    /** Where the next run resumes: a nextLink mid-round, or the round's deltaLink. Null = full sync. */
    resumeLink: text('resume_link'),
    /** True while resumeLink is a nextLink of a full (initial or resync) round. */
    inFullRound: boolean('in_full_round').notNull().default(false),
    /** Generation of the current full round: directory users not seen in it are reconciled away. */
    fullRoundGeneration: integer('full_round_generation').notNull().default(0),
    lastSyncAt: timestamp('last_sync_at', { withTimezone: true }),
    nextSyncAt: timestamp('next_sync_at', { withTimezone: true }),
    /** A setting the decisions depend on changed at this moment: the stored directory is decided again. */
    reevaluateRequestedAt: timestamp('reevaluate_requested_at', { withTimezone: true }),
    /** Which setting, in words, for the run it starts. */
    reevaluateReason: text('reevaluate_reason'),
    /** The groups whose members the last complete Graph run read (what stored memberships cover); null = not known. */
    membershipGroups: text('membership_groups').array(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('azure_connections_org_tenant_uq').on(t.organizationId, sql`lower(${t.tenant})`)],
);

/** The directory as last read: one row per Azure user the connection has seen. */
export const azureDirectoryUsers = pgTable(
  'azure_directory_users',
  {
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => azureConnections.id, { onDelete: 'cascade' }),
    objectId: text('object_id').notNull(),
    organizationId: orgId(),
    /** The user's selected properties as Graph last sent them. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    /** Object ids of the mapped groups the user is a (transitive) member of, sorted. */
    groups: text('groups').array().notNull().default(sql`'{}'::text[]`),
    removed: boolean('removed').notNull().default(false),
    personId: uuid('person_id').references(() => people.id, { onDelete: 'set null' }),
    /** The object fields the sync last gave the person (lib/provisioning/directory.ts AppliedFields); a person's value that differs is a local edit. */
    applied: jsonb('applied').$type<Record<string, string | null>>(),
    seenGeneration: integer('seen_generation').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('azure_directory_users_pk').on(t.connectionId, t.objectId),
    index('azure_directory_users_person_idx').on(t.personId),
  ],
);

export const azureSyncRuns = pgTable(
  'azure_sync_runs',
  {
    id: id(),
    organizationId: orgId(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => azureConnections.id, { onDelete: 'cascade' }),
    status: azureRunStatus('status').notNull().default('running'),
    full: boolean('full').notNull().default(false),
    /** schedule | manual | resume | settings (a re-evaluation of the stored directory, no Graph read). */
    trigger: text('trigger').notNull().default('schedule'),
    /** Why a settings run ran ("Email source changed"); a Graph run that also re-evaluated says so here. */
    note: text('note'),
    /** Last sign of life (a Graph answer, a committed batch): the watchdog and the console read it. */
    progressAt: timestamp('progress_at', { withTimezone: true }),
    read: integer('read').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    deactivated: integer('deactivated').notNull().default(0),
    archived: integer('archived').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    /** Deactivations held back by the mass-deactivation guard: [{ personId, reason }]. */
    pendingDeactivations: jsonb('pending_deactivations').$type<{ personId: string; objectId: string; reason: string }[]>().notNull().default([]),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('azure_sync_runs_conn_started_idx').on(t.connectionId, t.startedAt)],
);

/**
 * Failed-attempt counters and locks for passwords and codes (lib/auth/throttle.ts), in the
 * shape rate-limiter-flexible's RateLimiterPostgres reads and writes, so every app instance
 * shares them. Keys are hashed; `expire` is epoch milliseconds.
 */
export const authThrottle = pgTable('auth_throttle', {
  key: varchar('key', { length: 255 }).primaryKey(),
  points: integer('points').notNull().default(0),
  expire: bigint('expire', { mode: 'number' }),
});

/**
 * A SCIM 2.0 directory (Directory Sync through SAML Jackson): the id is Jackson's directory
 * id. The bearer token the IdP sends is ours, kept only as a SHA-256 hash so it can be
 * shown once and rotated (Jackson 26 cannot change a directory's secret).
 */
export const scimDirectories = pgTable(
  'scim_directories',
  {
    id: uuid('id').primaryKey(),
    organizationId: orgId(),
    name: text('name').notNull(),
    /** The provider type as Jackson knows it: azure-scim-v2, okta-scim-v2, onelogin-scim-v2, jumpcloud-scim-v2, generic-scim-v2… */
    provider: text('provider').notNull(),
    tokenHash: text('token_hash').notNull(),
    tokenCreatedAt: timestamp('token_created_at', { withTimezone: true }).notNull().defaultNow(),
    lastRequestAt: timestamp('last_request_at', { withTimezone: true }),
    /** Mass-deactivation guard: deactivations in the last 10 minutes above this share of the directory's active people… */
    guardPercent: integer('guard_percent').notNull().default(20),
    /** …and at least this many are held for an admin to confirm. */
    guardMinimum: integer('guard_minimum').notNull().default(10),
    /** Deactivations the guard holds: [{ personId, objectId, reason, detail }]. */
    heldDeactivations: jsonb('held_deactivations').$type<{ personId: string; objectId: string; reason: string; detail?: string }[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [index('scim_directories_org_idx').on(t.organizationId)],
);

/** The directory's users as last pushed, in the shape the directory decision reads (like azure_directory_users). */
export const scimDirectoryUsers = pgTable(
  'scim_directory_users',
  {
    directoryId: uuid('directory_id')
      .notNull()
      .references(() => scimDirectories.id, { onDelete: 'cascade' }),
    /** The SCIM user id Jackson gave the user. */
    objectId: text('object_id').notNull(),
    organizationId: orgId(),
    /** The user mapped to the directory record fields (lib/provisioning/scim.ts). */
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    /** Display names of the directory groups the user is in, sorted. */
    groups: text('groups').array().notNull().default(sql`'{}'::text[]`),
    removed: boolean('removed').notNull().default(false),
    personId: uuid('person_id').references(() => people.id, { onDelete: 'set null' }),
    applied: jsonb('applied').$type<Record<string, string | null>>(),
    seenGeneration: integer('seen_generation').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('scim_directory_users_pk').on(t.directoryId, t.objectId), index('scim_directory_users_person_idx').on(t.personId)],
);

/** The directory's groups by SCIM id, so a rename or delete reaches the users who carry the name. */
export const scimDirectoryGroups = pgTable(
  'scim_directory_groups',
  {
    directoryId: uuid('directory_id')
      .notNull()
      .references(() => scimDirectories.id, { onDelete: 'cascade' }),
    groupId: text('group_id').notNull(),
    organizationId: orgId(),
    name: text('name').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('scim_directory_groups_pk').on(t.directoryId, t.groupId)],
);

/**
 * A local account's TOTP two-factor (RFC 6238). Secrets are sealed with ENCRYPTION_KEY
 * (lib/crypto, bound to the person's id). `pendingSecret` is an enrollment not yet
 * confirmed with a code; `enabledAt` set means two-factor is on. `lastUsedStep` is the
 * time step of the last accepted code, so no code is accepted twice.
 */
export const personTwoFactor = pgTable('person_two_factor', {
  personId: uuid('person_id')
    .primaryKey()
    .references(() => people.id, { onDelete: 'cascade' }),
  organizationId: orgId(),
  secret: text('secret'),
  pendingSecret: text('pending_secret'),
  enabledAt: timestamp('enabled_at', { withTimezone: true }),
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Single-use recovery codes for two-factor, stored as bcrypt hashes; `usedAt` set once spent. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: id(),
    organizationId: orgId(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('recovery_codes_person_idx').on(t.organizationId, t.personId)],
);
