import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, type Page } from '@playwright/test';

export const DEMO = {
  acmeAdmin: { email: 'root@acme.example', password: 'acme-demo-admin' },
  acmeTech: { email: 'tech@acme.example', password: 'acme-demo-tech' },
  globexAdmin: { email: 'root@globex.example', password: 'globex-demo-admin' },
} as const;

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('viewer')).toContainText(who.email);
}

export function e2eState(): import('./global-setup').E2eState {
  return JSON.parse(process.env.E2E_STATE!);
}

let seq = 0;
/** A fresh address per test, so specs never see each other's people. */
export function uniqueEmail(prefix: string, domain: string) {
  return `${prefix}.${Date.now().toString(36)}${process.pid}${++seq}@${domain}`;
}

export type IdpUser = { nameId?: string; email?: string; firstName?: string; lastName?: string; groups?: string[]; products?: string[]; partnerOrgId?: string };

/** Fills the test SAML IdP's login form and submits it. */
export async function signInAtSamlIdp(page: Page, user: IdpUser) {
  await expect(page.getByRole('heading', { name: 'Test IdP sign-in' })).toBeVisible();
  if (user.nameId) await page.getByLabel('Name ID').fill(user.nameId);
  if (user.email) await page.getByLabel('Email').fill(user.email);
  if (user.firstName) await page.getByLabel('First name').fill(user.firstName);
  if (user.lastName) await page.getByLabel('Last name').fill(user.lastName);
  if (user.groups) await page.getByLabel('Groups').fill(user.groups.join('\n'));
  if (user.products) await page.getByLabel('Products').fill(user.products.join('\n'));
  if (user.partnerOrgId) await page.getByLabel('Partner org ID').fill(user.partnerOrgId);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** From the app's login page through the IdP and back. */
export async function ssoLogin(page: Page, kind: 'sso' | 'kaseyaone', loginEmail: string, user: IdpUser) {
  await page.goto('/login');
  await page.getByLabel('Work email').fill(loginEmail);
  await page.getByRole('button', { name: kind === 'sso' ? 'Sign in with SSO' : 'Log in with KaseyaOne' }).click();
  await signInAtSamlIdp(page, user);
}

/**
 * The operator's sso CLI against the e2e app's database, as global setup runs it. Not
 * blocking: the CLI fetches discovery documents from IdPs served by this very process.
 */
export async function ssoCli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--no-deprecation', '--import', 'tsx', 'scripts/sso.ts', ...args], {
    env: { ...process.env, APP_DATA_DIR: process.env.E2E_DATA_DIR!, PORT: process.env.E2E_PORT!, DATABASE_URL: '', AUTH_SECRET: '', ENCRYPTION_KEY: '', OUTBOUND_ALLOWED_ORIGINS: process.env.E2E_ALLOWED_ORIGINS! },
    encoding: 'utf8',
  });
  return stdout;
}
