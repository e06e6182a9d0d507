import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { DEMO, e2eState, signIn } from './helpers';

test('health answers 200 with the database up', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok', database: 'up' });
});

test('not signed in, a console page sends you to /login', async ({ page }) => {
  await page.goto('/admin/auth-provision');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('the admin signs in and sees the navigation', async ({ page }) => {
  await signIn(page, DEMO.acmeAdmin);
  await expect(page).toHaveURL(/\/admin\/auth-provision$/);
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const label of ['Auth & Provision', 'KaseyaOne Settings', 'Employees', 'Contacts', 'Provisioning Log']) {
    await expect(nav.getByRole('link', { name: label, exact: true })).toBeVisible();
  }
  await expect(page.getByTestId('org-name')).toHaveText('Acme MSP');
  await expect(page.getByRole('heading', { level: 1, name: 'Auth & Provision' })).toBeVisible();

  await nav.getByRole('link', { name: 'KaseyaOne Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'KaseyaOne Settings' })).toBeVisible();
  await nav.getByRole('link', { name: 'Employees' }).click();
  await expect(page.getByRole('cell', { name: 'alice.nguyen@acme.example' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/employees.png', fullPage: true });
  await nav.getByRole('link', { name: 'Contacts' }).click();
  await expect(page.getByRole('cell', { name: 'peter.gibbons@initech.example' })).toBeVisible();
  await nav.getByRole('link', { name: 'Provisioning Log' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Provisioning Log' })).toBeVisible();
});

test('a technician is refused Admin pages with a 403', async ({ page }) => {
  await signIn(page, DEMO.acmeTech);
  await expect(page).toHaveURL(/\/hr\/employees$/);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Employees' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Auth & Provision' })).toHaveCount(0);
  for (const path of ['/admin/auth-provision', '/admin/kaseyaone-settings', '/provisioning-log']) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(page.getByRole('heading', { name: 'You don’t have access to this page' })).toBeVisible();
  }
});

test('a wrong password shows an error and signs nobody in', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(DEMO.acmeAdmin.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('login-error')).toHaveText('The email or password is incorrect.');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(DEMO.acmeAdmin.email);
  await page.screenshot({ path: 'test-results/screens/login-error.png' });
  await page.goto('/hr/employees');
  await expect(page).toHaveURL(/\/login$/);
});

test('an empty form gets field-level errors', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByText('Enter your email address.')).toBeVisible();
  await expect(page.getByText('Enter your password.')).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toHaveAttribute('aria-invalid', 'true');
});

test('sign-out ends the session', async ({ page }) => {
  await signIn(page, DEMO.acmeAdmin);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/hr/employees');
  await expect(page).toHaveURL(/\/login$/);
});

test("Globex's admin cannot see Acme's people", async ({ page }) => {
  await signIn(page, DEMO.globexAdmin);
  await expect(page.getByTestId('org-name')).toHaveText('Globex IT');
  await page.goto('/hr/employees');
  await expect(page.getByRole('cell', { name: 'gina.ross@globex.example' })).toBeVisible();
  await expect(page.getByText('acme.example')).toHaveCount(0);
  await page.goto('/crm/contacts');
  await expect(page.getByRole('cell', { name: 'hank.scorpio@hank-industries.example' })).toBeVisible();
  await expect(page.getByText('Initech')).toHaveCount(0);

  // Another organization's person id answers 404, never 403.
  const sql = postgres(e2eState().databaseUrl, { max: 1, onnotice: () => {} });
  const [alice] = await sql`select id from people where email = 'alice.nguyen@acme.example'`;
  await sql.end();
  expect((await page.goto(`/people/${alice!.id}`))?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('Employees: search by name or email, filter and sort through the URL', async ({ page }) => {
  await signIn(page, DEMO.acmeAdmin);
  await page.goto('/hr/employees');
  await page.getByLabel('Search', { exact: true }).fill('NGUYEN');
  await page.getByRole('button', { name: 'Search' }).click();
  const rows = page.getByRole('table', { name: 'Employees' }).locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('alice.nguyen@acme.example');
  await expect(page).toHaveURL(/q=NGUYEN/);

  await page.goto('/hr/employees?status=inactive');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('carol.diaz@acme.example');

  await page.goto('/hr/employees?sort=-email&status=active');
  await page.getByRole('link', { name: /^Email/ }).click();
  await expect(page).toHaveURL(/sort=email/);
  await expect(page.getByRole('columnheader', { name: /Email/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.first()).toContainText('alice.nguyen@acme.example');
});
