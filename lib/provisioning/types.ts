// Plain data in and out of the decision core. Nothing here knows about the database,
// Next.js, Jackson or the clock.

export type IdentitySource = 'kaseyaone' | 'sso' | 'azure' | 'scim';
export type PersonType = 'employee' | 'contact';
export type PersonStatus = 'active' | 'inactive' | 'archived';

/** A login (or directory record) after normalization: see normalizeIdentity(). */
export type Identity = {
  source: IdentitySource;
  /** The issuer the external id is unique within: SSO connection, KaseyaOne partner org, Azure tenant. */
  scope: string;
  externalId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  groups: string[];
  /** The IdP domain rules match on; the email's domain when the IdP sends none. */
  domain: string | null;
  /** Products the user is subscribed to; null when the assertion carries no such claim. */
  products: string[] | null;
  partnerOrgId: string | null;
  /** Every attribute as the IdP sent it (claim URIs included), for attribute mappings. */
  attributes: Record<string, unknown>;
};

/** Lookup and reference fields of a person, by id. */
export const REFERENCE_FIELDS = [
  'departmentId',
  'locationId',
  'managerId',
  'jobTitleId',
  'employmentTypeId',
  'securityRoleId',
  'employeeRoleId',
  'clientAccountId',
] as const;
export type ReferenceField = (typeof REFERENCE_FIELDS)[number];

export const TEXT_FIELDS = ['firstName', 'lastName', 'username', 'email', 'phone'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Every person field the core may set. Locks use the same names. */
export type PersonField = TextField | ReferenceField | 'type' | 'status' | 'phoneType';

export type PersonFields = {
  type: PersonType;
  status: PersonStatus;
  firstName: string;
  lastName: string;
  username: string | null;
  email: string;
  phone: string | null;
} & Record<ReferenceField, string | null>;

export type ExistingPerson = PersonFields & {
  id: string;
  organizationId: string;
  lockedFields: string[];
  /** An admin removed this person on purpose: JIT must not bring them back. */
  removedByAdmin: boolean;
};

export type EmployeeDefaults = Record<ReferenceField, string | null>;

export type OrgContext = {
  id: string;
  status: 'active' | 'inactive';
  /** ISO date (YYYY-MM-DD); the contract is valid through the whole of that day. */
  contractEndsOn: string | null;
  kaseyaOneOrgId: string | null;
  rootPersonId: string | null;
  /** This product's ids in the KaseyaOne products claim, lower-cased (KASEYAONE_PRODUCT_IDS). */
  productIds: string[];
  settings: {
    method: 'none' | 'sso_jit' | 'azure_ad';
    kaseyaOneLoginEnabled: boolean;
    autoCreationEnabled: boolean;
    defaults: EmployeeDefaults;
    seatCap: number | null;
  };
  /** People auto-created so far (for the seat cap). */
  autoCreatedCount: number;
};

export type MappingRule = {
  id: string;
  /** Null = any domain. */
  domain: string | null;
  /** Null = any group. */
  securityGroup: string | null;
  userType: PersonType;
  securityRoleId: string;
  departmentId: string | null;
  locationId: string | null;
  employeeRoleId: string | null;
  clientAccountId: string | null;
  position: number;
  createdAt: Date;
};

/** The lookup a mapped attribute's value is resolved in, by name. */
export type LookupName = 'departments' | 'locations' | 'jobTitles' | 'employmentTypes' | 'employeeRoles' | 'clientAccounts' | 'securityRoles';
/** lower-cased name → id, per lookup. */
export type Lookups = Partial<Record<LookupName, Record<string, string>>>;

export type AttributeMapping = {
  attributeName: string;
  personField: MappableField;
  defaultValue: string | null;
  applyOn: 'create' | 'every_login';
};

export const MAPPABLE_FIELDS = {
  firstName: null,
  lastName: null,
  username: null,
  phone: null,
  departmentId: 'departments',
  locationId: 'locations',
  jobTitleId: 'jobTitles',
  employmentTypeId: 'employmentTypes',
  employeeRoleId: 'employeeRoles',
  clientAccountId: 'clientAccounts',
} as const satisfies Record<string, LookupName | null>;
export type MappableField = keyof typeof MAPPABLE_FIELDS;

export type FieldChange = { before: unknown; after: unknown };
export type FieldChanges = Partial<Record<PersonField, FieldChange>>;

export type Link = { source: IdentitySource; scope: string; externalId: string };

export type Decision =
  | {
      outcome: 'deny';
      reason: import('./reasons').ReasonCode;
      personId: string | null;
      ruleId: string | null;
      /** What a person reading the log needs to understand the denial. */
      detail: string;
    }
  | {
      outcome: 'allow';
      action: 'create' | 'update' | 'none';
      personId: string | null;
      ruleId: string | null;
      /** The full record for a create; absent otherwise. */
      create: PersonFields | null;
      changes: FieldChanges;
      /** A link to record between the person and this identity (a create, or a person found by email). */
      link: Link | null;
      /** Things an admin should know that did not stop the login (an unknown lookup value…). */
      warnings: string[];
    };

export type LoginInput = {
  identity: Identity;
  org: OrgContext;
  rules: MappingRule[];
  attributeMappings: AttributeMapping[];
  lookups: Lookups;
  /** Found by (source, scope, externalId). */
  byExternalId: ExistingPerson | null;
  /** Found by case-insensitive email, in any organization. */
  byEmail: ExistingPerson | null;
  now: Date;
};
