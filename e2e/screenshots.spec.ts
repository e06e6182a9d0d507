import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { DEMO, enrollTwoFactor, ownOrganizationWithAdmin, signIn, ssoLogin, totpCode, uniqueEmail } from './helpers';

// A tour of every console page that also screenshots it: into test-results/screens by
// default, or where SCREENSHOT_DIR says. For docs/screenshots, run it alone on a fresh
// database so other specs' people stay out of the pictures:
//   SCREENSHOT_DIR=docs/screenshots npx playwright test e2e/screenshots.spec.ts

const dir = process.env.SCREENSHOT_DIR ?? 'test-results/screens';
const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage });

test.use({ viewport: { width: 1280, height: 800 } });
// Every console page plus the two-factor tour (setup, recovery codes, the code step).
test.setTimeout(240_000);

test('every console page renders, screenshotted', async ({ page, browser }) => {
  // A few real logins first, so the log and the lists show what SSO does.
  for (const [kind, who, groups] of [
    ['sso', 'Nora Quist', ['Technicians']],
    ['kaseyaone', 'Omar Reyes', []],
    ['sso', 'Pat Stone', ['Contractors']],
  ] as const) {
    const context = await browser.newContext();
    const p = await context.newPage();
    const [first, last] = who.split(' ');
    const email = uniqueEmail(first!.toLowerCase(), 'acme.example');
    await ssoLogin(p, kind, email, { email, firstName: first, lastName: last, groups: [...groups], partnerOrgId: 'k1-partner-acme', products: ['psa'] });
    await p.waitForURL(/\/(auth\/denied|admin|hr|crm)/);
    await context.close();
  }

  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await shot(page, 'login', false);

  await page.getByLabel('Email', { exact: true }).fill(DEMO.acmeAdmin.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('login-error')).toBeVisible();
  await shot(page, 'login-error', false);

  await signIn(page, DEMO.acmeAdmin);
  await page.goto('/hr/employees');
  await expect(page.getByRole('table', { name: 'Employees' })).toBeVisible();
  await shot(page, 'employees');

  await page.goto('/crm/contacts');
  await expect(page.getByRole('table', { name: 'Contacts' })).toBeVisible();
  await shot(page, 'contacts');

  await page.goto('/hr/employees?q=alice');
  await page.getByRole('link', { name: 'Alice Nguyen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Alice Nguyen' })).toBeVisible();
  await shot(page, 'person');
  await page.getByRole('button', { name: 'Edit details' }).click();
  await expect(page.getByRole('form', { name: 'Edit details' })).toBeVisible();
  await shot(page, 'person-edit');

  await page.goto('/admin/auth-provision');
  await expect(page.getByRole('table', { name: 'Mapping Rules' })).toBeVisible();
  await shot(page, 'auth-provision');
  await page.getByRole('heading', { name: 'SSO JIT Provisioning' }).locator('..').screenshot({ path: path.join(dir, 'mapping-rules.png') });

  const preview = page.getByRole('form', { name: 'Login preview' });
  await preview.getByLabel('Email').fill('new.hire@acme.example');
  await preview.getByLabel('First name').fill('New');
  await preview.getByLabel('Last name').fill('Hire');
  await preview.getByLabel('Groups (one per line)').fill('Technicians');
  await preview.getByRole('button', { name: 'Preview login' }).click();
  await expect(page.getByTestId('preview-outcome')).toContainText('Allowed');
  await page.getByRole('heading', { name: 'Login preview' }).locator('..').screenshot({ path: path.join(dir, 'login-preview.png') });

  await page.goto('/admin/kaseyaone-settings');
  await expect(page.getByRole('group', { name: 'Employee Defaults' })).toBeVisible();
  await shot(page, 'kaseyaone-settings');

  await page.getByRole('link', { name: 'Organizations' }).click();
  await expect(page.getByRole('table', { name: 'KaseyaOne organizations' })).toBeVisible();
  await shot(page, 'kaseyaone-organizations');

  await page.goto('/provisioning-log');
  await expect(page.getByRole('heading', { level: 1, name: 'Provisioning Log' })).toBeVisible();
  await expect(page.getByRole('status', { name: /Loading/ })).toHaveCount(0);
  await shot(page, 'provisioning-log');

  // Globex has no KaseyaOne organizations: the empty state.
  const globex = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const g = await globex.newPage();
  await signIn(g, DEMO.globexAdmin);
  await g.goto('/admin/kaseyaone-settings?tab=organizations');
  await expect(g.getByText('No KaseyaOne organizations yet')).toBeVisible();
  await shot(g, 'kaseyaone-organizations-empty', false);
  await globex.close();

  // Two-factor, with an admin of an organization of its own (the demo admins stay password-only).
  const tf = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const t = await tf.newPage();
  const admin = await ownOrganizationWithAdmin('shots');
  await signIn(t, admin);
  await t.goto('/admin/kaseyaone-settings');
  await expect(t.getByTestId('k1-needs-two-factor')).toBeVisible();
  await t.getByRole('switch', { name: 'Enable Log In With KaseyaOne' }).locator('..').screenshot({ path: path.join(dir, 'kaseyaone-needs-two-factor.png') });
  await t.goto('/account/two-factor');
  await t.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  await expect(t.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await shot(t, 'two-factor-setup');
  const { secret } = await enrollTwoFactor(t);
  await shot(t, 'two-factor-recovery-codes');
  await t.getByRole('button', { name: 'Sign out' }).click();
  await t.getByLabel('Email', { exact: true }).fill(admin.email);
  await t.getByLabel('Password').fill(admin.password);
  await t.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(t.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
  await shot(t, 'login-two-factor', false);
  await t.getByLabel('Authentication code').fill(await totpCode(secret, 1));
  await t.getByRole('button', { name: 'Verify' }).click();
  await expect(t.getByTestId('viewer')).toContainText(admin.email);
  await t.goto('/account/two-factor');
  await shot(t, 'two-factor-on');
  await tf.close();
});
