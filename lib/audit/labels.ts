// How a stored change reads in every view (log, person page, login preview). Events keep
// the raw keys; only their display goes through here.

const FIELD_LABELS: Record<string, string> = {
  firstName: 'First Name',
  lastName: 'Last Name',
  username: 'Username',
  email: 'Email',
  phone: 'Phone',
  phoneType: 'Phone Type',
  type: 'User type',
  status: 'Status',
  departmentId: 'Department',
  locationId: 'Location',
  managerId: 'Manager',
  jobTitleId: 'Job Title',
  employmentTypeId: 'Employment Type',
  securityRoleId: 'Security Role',
  employeeRoleId: 'Employee Role',
  clientAccountId: 'Account',
  lockedFields: 'Locked fields',
  removed: 'Removed',
  method: 'Provisioning method',
  defaultPhoneType: 'Default phone type',
  loginEnabled: 'Enable Log In With KaseyaOne',
  autoCreationEnabled: 'Automatic User Creation',
  kaseyaOneOrgId: 'KaseyaOne partner organization ID',
  seatCap: 'Cap on automatically created people',
  mappingRule: 'Mapping rule',
  attributeMapping: 'Attribute mapping',
  attributeName: 'Assertion attribute',
  personField: 'Person field',
  defaultValue: 'Default value',
  applyOn: 'Applies',
  domain: 'Domain',
  securityGroup: 'Security group',
  userType: 'User type',
  position: 'Order',
  azureConnection: 'Azure AD connection',
  massDeactivation: 'Mass deactivation',
  'sso_connection.sso': 'SSO connection',
  'sso_connection.kaseyaone': 'KaseyaOne connection',
  twoFactor: 'Two-factor authentication',
  requireTwoFactor: 'Require two-factor for administrators',
  requireAdminTwoFactor: 'Require two-factor for administrators',
};

const VALUE_LABELS: Record<string, Record<string, string>> = {
  type: { employee: 'Employee', contact: 'Client portal contact' },
  status: { active: 'Active', inactive: 'Inactive', archived: 'Archived' },
  method: { none: 'None', sso_jit: 'SSO JIT Provisioning', azure_ad: 'Azure AD Sync' },
  applyOn: { create: 'On create only', every_login: 'On every login' },
  phoneType: { office: 'Office', mobile: 'Mobile', home: 'Home', fax: 'Fax', other: 'Other' },
};
VALUE_LABELS.defaultPhoneType = VALUE_LABELS.phoneType!;
VALUE_LABELS.userType = VALUE_LABELS.type!;

/** "securityRoleId" → "Security Role"; "attributeMapping.departmentId" → "Attribute mapping: Department". */
export function fieldLabel(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  // Keyed by the KaseyaOne organization's external id, which may itself contain dots.
  const k1 = /^kaseyaOneOrganization\.(.+?)(\.account)?$/.exec(field);
  if (k1) return `KaseyaOne organization ${k1[1]}${k1[2] ? ', Account' : ''}`;
  const dot = field.indexOf('.');
  if (dot > 0) return `${fieldLabel(field.slice(0, dot))}: ${fieldLabel(field.slice(dot + 1))}`;
  // Anything else: camelCase or snake_case in words, first letter capital.
  const words = field.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * One before or after value in words: "—" for nothing, lookup and person ids by the
 * name `names` gives, enum values as the forms say them, locked fields by their labels.
 */
export function valueLabel(field: string, v: unknown, names: ReadonlyMap<string, string>): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return VALUE_LABELS[field]?.[v] ?? (field === 'personField' ? fieldLabel(v) : (names.get(v) ?? v));
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (field === 'lockedFields' && Array.isArray(v)) return v.length ? v.map((f) => fieldLabel(String(f))).join(', ') : 'none';
  if (Array.isArray(v)) return v.map((x) => valueLabel(field, x, names)).join(', ');
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== null && x !== undefined && x !== '')
      .map(([k, x]) => `${fieldLabel(k)} ${valueLabel(k, x, names)}`)
      .join(', ');
  }
  return String(v);
}

/** Every string inside a diff's values, nested ones too: the ids to look names up for. */
export function diffStrings(diff: Record<string, { before: unknown; after: unknown }>): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const c of Object.values(diff)) {
    walk(c.before);
    walk(c.after);
  }
  return out;
}

export type ChangeRow = { field: string; label: string; before: string; after: string };

/** A stored diff as rows a person reads, the raw key kept alongside its label. */
export function describeDiff(diff: Record<string, { before: unknown; after: unknown }>, names: ReadonlyMap<string, string>): ChangeRow[] {
  return Object.entries(diff).map(([field, c]) => ({ field, label: fieldLabel(field), before: valueLabel(field, c.before, names), after: valueLabel(field, c.after, names) }));
}
