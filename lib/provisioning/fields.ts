import { cleanText } from './normalize';
import { MAPPABLE_FIELDS, type AttributeMapping, type FieldChanges, type Lookups, type PersonField, type PersonFields, type PersonType, type ReferenceField } from './types';

/**
 * Values the attribute mappings give, for a create (every mapping) or a later login
 * (only "every login" mappings). A missing attribute takes the mapping's default value;
 * lookup fields resolve names case-insensitively, and an unknown name is a warning,
 * not a failure.
 */
export function mappedValues(
  mappings: readonly AttributeMapping[],
  attributes: Record<string, unknown>,
  lookups: Lookups,
  moment: 'create' | 'login',
): { values: Partial<PersonFields>; warnings: string[] } {
  const values: Partial<Record<PersonField, string | null>> = {};
  const warnings: string[] = [];
  for (const m of mappings) {
    if (moment === 'login' && m.applyOn !== 'every_login') continue;
    const value = cleanText(readAttribute(attributes, m.attributeName)) ?? cleanText(m.defaultValue);
    if (value === null) continue;
    const lookup = MAPPABLE_FIELDS[m.personField];
    if (lookup === null) {
      values[m.personField] = value;
      continue;
    }
    const id = lookups[lookup]?.[value.toLowerCase()];
    if (id) values[m.personField] = id;
    else warnings.push(`"${value}" from ${m.attributeName} is not a known ${lookup} value; ${m.personField} left unchanged`);
  }
  return { values: values as Partial<PersonFields>, warnings };
}

/** Attribute names compare case-insensitively (IdPs differ: "Department" vs "department"). */
function readAttribute(attributes: Record<string, unknown>, name: string): unknown {
  if (name in attributes) return attributes[name];
  const lower = name.toLowerCase();
  const key = Object.keys(attributes).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : attributes[key];
}

/**
 * The changes that turn `current` into `current + wanted`, leaving locked fields and
 * unchanged values out. Empty or missing wanted values never erase what is there.
 */
export function diffFields(current: PersonFields, wanted: Partial<PersonFields>, locked: readonly string[]): FieldChanges {
  const changes: FieldChanges = {};
  for (const [field, after] of Object.entries(wanted) as [PersonField, unknown][]) {
    if (after === undefined || after === null || after === '') continue;
    if (locked.includes(field)) continue;
    const before = (current as Record<string, unknown>)[field];
    if (before === after) continue;
    // A change of case alone is not a new email address.
    if (field === 'email' && typeof before === 'string' && String(after).toLowerCase() === before.toLowerCase()) continue;
    changes[field] = { before, after };
  }
  return changes;
}

/** Contacts carry only a Security Role and a client Account; employees every reference field. */
const CONTACT_FIELDS: ReadonlySet<ReferenceField> = new Set(['securityRoleId', 'clientAccountId']);

export function fieldAppliesTo(type: PersonType, field: ReferenceField): boolean {
  return type === 'employee' || CONTACT_FIELDS.has(field);
}

export function creationChanges(record: PersonFields): FieldChanges {
  const changes: FieldChanges = {};
  for (const [field, after] of Object.entries(record) as [PersonField, unknown][]) {
    if (after !== null && after !== '') changes[field] = { before: null, after };
  }
  return changes;
}
