// Stable reason codes for denied logins. The codes are an API: the denial page, the
// provisioning log and scripts use them. Documented in docs/reason-codes.md.

export const REASONS = {
  missing_email: {
    title: 'Your identity provider did not send an email address',
    action: 'Ask your IT administrator to add an email address to your account at the identity provider.',
  },
  org_inactive: {
    title: 'Your organization’s account is inactive',
    action: 'Ask your organization’s administrator to contact their account manager.',
  },
  org_contract_ended: {
    title: 'Your organization’s contract has ended',
    action: 'Ask your organization’s administrator to renew the contract.',
  },
  login_disabled: {
    title: 'Log in with KaseyaOne is turned off for your organization',
    action: 'Ask an administrator to turn on “Enable Log In With KaseyaOne”, or sign in another way.',
  },
  other_org: {
    title: 'Your account belongs to another organization',
    action: 'Sign in through your own organization’s identity provider, or ask an administrator to move your account.',
  },
  user_inactive: {
    title: 'Your account is inactive',
    action: 'Ask your administrator to reactivate your account.',
  },
  no_product_access: {
    title: 'Your subscription does not include this product',
    action: 'Ask your administrator to give you access to this product in KaseyaOne.',
  },
  not_provisioned: {
    title: 'You don’t have an account here yet',
    action: 'Ask your administrator to create your account, or to turn on Automatic User Creation.',
  },
  no_matching_rule: {
    title: 'None of your groups gives you access',
    action: 'Ask your administrator to add you to a group that a mapping rule covers.',
  },
  person_removed: {
    title: 'Your account was removed by an administrator',
    action: 'Ask your administrator to restore your account.',
  },
  seat_limit_reached: {
    title: 'Your organization has no free seats for new accounts',
    action: 'Ask your administrator to free a seat or raise the limit for automatically created users.',
  },
  defaults_incomplete: {
    title: 'Automatic account creation is not fully set up',
    action: 'Ask your administrator to choose the Employee Defaults, including a Security Role.',
  },
  email_conflict: {
    title: 'Your new email address is already used by another account',
    action: 'Ask your administrator to merge or correct the two accounts.',
  },
  too_many_attempts: {
    title: 'Too many failed sign-in attempts',
    action: 'Wait until the time shown, then try again. If you forgot your password, ask your administrator.',
  },
} as const satisfies Record<string, { title: string; action: string }>;

export type ReasonCode = keyof typeof REASONS;

/**
 * The same codes (and the sync's own) as an admin reads them on an Azure AD sync event:
 * about a directory user, not a person at a login page.
 */
export const SYNC_REASONS: Record<string, string> = {
  missing_email: 'Azure AD user has no email in the chosen source',
  no_matching_rule: 'No Azure AD mapping rule matches the user’s tenant and groups',
  other_org: 'The email belongs to a person of another organization',
  person_removed: 'An admin removed this person; the sync does not bring them back',
  email_conflict: 'Another person already has this email',
  azure_removed: 'Deleted in Azure AD',
  azure_disabled: 'Sign-in blocked in Azure AD',
};

/** Why a single sign-on step failed before any decision (recorded as `sso_failed`; see lib/sso/failures.ts). */
export const SSO_FAILURE_REASONS = {
  sso_replayed: 'The identity provider’s response was already used once (a replay)',
  sso_no_response: 'The request carried no identity provider response',
  sso_signature_invalid: 'The response’s signature does not match the connection’s certificate',
  sso_audience_invalid: 'The response was issued for another service provider (audience)',
  sso_expired: 'The response is outside its validity window (expired, or clocks disagree)',
  sso_request_mismatch: 'The response does not answer a sign-in started here (state or InResponseTo)',
  sso_unknown_connection: 'No connection here matches the identity provider or the request',
  sso_idp_refused: 'The identity provider answered with an error status',
  sso_invalid_response: 'The response could not be read as SAML or OpenID Connect',
  sso_failed: 'Single sign-on failed for another reason',
} as const;
export type SsoFailureReason = keyof typeof SSO_FAILURE_REASONS;

/** The codes as an admin reads them on a SCIM directory event. */
export const SCIM_REASONS: Record<string, string> = {
  missing_email: 'The SCIM user has no email (emails or an email-shaped userName)',
  no_matching_rule: 'No mapping rule matches the user’s domain and groups',
  other_org: 'The email belongs to a person of another organization',
  person_removed: 'An admin removed this person; the directory does not bring them back',
  email_conflict: 'Another person already has this email',
  scim_deleted: 'Deleted in the SCIM directory',
  scim_inactive: 'Set inactive in the SCIM directory (active: false)',
  bad_token: 'A SCIM request with a wrong or revoked token',
  deactivation_held: 'Held by the mass-deactivation guard until an admin confirms',
};

/** The title of a reason code for an event of this source. */
export function reasonTitle(code: string, source: string): string | null {
  if (Object.hasOwn(SSO_FAILURE_REASONS, code)) return SSO_FAILURE_REASONS[code as SsoFailureReason];
  if (source === 'azure' && Object.hasOwn(SYNC_REASONS, code)) return SYNC_REASONS[code]!;
  if (source === 'scim' && Object.hasOwn(SCIM_REASONS, code)) return SCIM_REASONS[code]!;
  return isReasonCode(code) ? REASONS[code].title : null;
}

export function isReasonCode(code: unknown): code is ReasonCode {
  return typeof code === 'string' && Object.hasOwn(REASONS, code);
}
