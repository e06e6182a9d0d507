import type { Identity, IdentitySource } from './types';

/** Trims, NFC-normalizes and turns empty into null. */
export function cleanText(value: unknown): string | null {
  if (Array.isArray(value)) return cleanText(value[0]);
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const s = String(value).normalize('NFC').trim();
  return s === '' ? null : s;
}

/**
 * Multi-valued attributes arrive as an array or, with one value, as a plain string.
 * A string is never split: AD group DNs ("CN=Admins,OU=Groups,…") contain commas.
 */
export function normalizeList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const out: string[] = [];
  for (const item of items) {
    const p = cleanText(item);
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function cleanEmail(value: unknown): string | null {
  const s = cleanText(value);
  return s && EMAIL.test(s) ? s : null;
}

/**
 * An external id as stored and looked up: an email-shaped id (an IdP whose NameID is the
 * email) compares case-insensitively, so "Jo@X.com" and "jo@x.com" are one identity.
 */
export function cleanExternalId(value: unknown): string | null {
  const s = cleanText(value);
  return s && EMAIL.test(s) ? s.toLowerCase() : s;
}

export function emailDomain(email: string | null): string | null {
  return email ? email.slice(email.lastIndexOf('@') + 1).toLowerCase() : null;
}

export type RawProfile = {
  id?: unknown;
  email?: unknown;
  firstName?: unknown;
  lastName?: unknown;
  groups?: unknown;
  domain?: unknown;
  products?: unknown;
  partnerOrgId?: unknown;
  raw?: Record<string, unknown>;
};

/**
 * Turns an IdP profile (Jackson's userInfo, or a preview form) into an Identity.
 * Top-level fields win; otherwise the same names are looked for among the raw attributes.
 */
export function normalizeIdentity(source: IdentitySource, scope: string, profile: RawProfile): Identity {
  const raw = profile.raw ?? {};
  const pick = (key: keyof RawProfile) => (profile[key] !== undefined && profile[key] !== null ? profile[key] : raw[key]);
  const email = cleanEmail(pick('email'));
  const productsRaw = pick('products');
  return {
    source,
    scope,
    externalId: cleanExternalId(pick('id')) ?? email?.toLowerCase() ?? '',
    email,
    firstName: cleanText(pick('firstName')),
    lastName: cleanText(pick('lastName')),
    groups: normalizeList(pick('groups')),
    domain: cleanText(pick('domain'))?.toLowerCase() ?? emailDomain(email),
    products: productsRaw === undefined || productsRaw === null ? null : normalizeList(productsRaw),
    partnerOrgId: cleanText(pick('partnerOrgId')),
    attributes: raw,
  };
}
