import { expect, test } from '@playwright/test';
import { enrollTwoFactor, localAdmin, signIn } from './helpers';

// Seeds 000 and 002 on Globex, whose KaseyaOne settings no other spec uses. Switching
// KaseyaOne login on needs an admin with two-factor on (seed 002; e2e/two-factor.spec.ts),
// so each test signs in as a Globex admin of its own and turns it on first: the demo
// admins other specs sign in as keep a password-only sign-in.
async function signInWithTwoFactor(page: import('@playwright/test').Page) {
  await signIn(page, await localAdmin('globex', 'k1settings'));
  await enrollTwoFactor(page);
}

test('KaseyaOne Settings: login before auto-creation, defaults hidden → required → saved → kept and disabled', async ({ page }) => {
  await signInWithTwoFactor(page);
  await page.goto('/admin/kaseyaone-settings');
  await expect(page.getByRole('link', { name: 'Automatic User Creation' })).toHaveAttribute('aria-current', 'page');
  const login = page.getByRole('switch', { name: 'Enable Log In With KaseyaOne' });
  const auto = page.getByRole('switch', { name: 'Automatic User Creation' });
  const defaults = page.getByRole('group', { name: 'Employee Defaults' });

  // "By default, the slider is disabled." Before the first enable the form is hidden.
  await expect(login).not.toBeChecked();
  await expect(auto).toBeDisabled();
  await expect(page.getByText('Turn on Enable Log In With KaseyaOne first.')).toBeVisible();
  await expect(defaults).toHaveCount(0);

  await login.check();
  await expect(auto).toBeEnabled();
  // "Enable the Automatic User Creation tab by dragging the slider to the right. A set of options under the Employee Defaults section appear."
  await auto.check();
  await expect(defaults).toBeVisible();
  await expect(defaults).toContainText('may add charges to your KaseyaOne invoice');
  await expect(defaults).toContainText('low-access Security Role');
  await page.getByRole('button', { name: 'Save' }).click();
  for (const label of ['Department', 'Location', 'Manager', 'Job Title', 'Employment Type', 'Security Role', 'Employee Role']) {
    await expect(page.getByText(`Choose ${/^E/.test(label) ? 'an' : 'a'} ${label}.`, { exact: true })).toBeVisible();
    await expect(page.getByLabel(label, { exact: true })).toHaveAttribute('aria-invalid', 'true');
  }
  // The Account new people attach to is optional.
  const account = page.getByLabel('Account (optional)');
  await expect(account).not.toHaveAttribute('aria-invalid', 'true');
  await expect(account.locator('option:checked')).toHaveText('None');

  // "Select a department, location, manager, job title, employment type, security role, and employee role as defaults. Click Save."
  const choices: [string, string][] = [
    ['Department', 'Support'],
    ['Location', 'Remote'],
    ['Manager', 'Gina Ross'],
    ['Job Title', 'Engineer'],
    ['Employment Type', 'Contractor'],
    ['Security Role', 'Basic (access level 0)'],
    ['Employee Role', 'Tier 1'],
    ['Account (optional)', 'Scorpio Holdings'],
  ];
  for (const [label, option] of choices) await page.getByLabel(label, { exact: true }).selectOption({ label: option });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Settings saved.');
  // The save refreshes the page's data; the confirmation must outlive that refresh.
  await page.waitForLoadState('networkidle');
  await expect(page.getByRole('status')).toHaveText('Settings saved.');
  await page.screenshot({ path: 'test-results/screens/kaseyaone-settings.png', fullPage: true });

  await page.reload();
  for (const [label, option] of choices) await expect(page.getByLabel(label, { exact: true }).locator('option:checked')).toHaveText(option);

  // "if you disable the slider, the form will still be visible but the fields will remain unselectable."
  await auto.uncheck();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Settings saved.');
  await page.reload();
  await expect(auto).not.toBeChecked();
  await expect(defaults).toBeVisible();
  for (const [label, option] of choices) {
    const select = page.getByLabel(label, { exact: true });
    await expect(select).toBeDisabled();
    await expect(select.locator('option:checked')).toHaveText(option);
  }

  // Turning login off takes Automatic User Creation with it.
  await login.uncheck();
  await expect(auto).toBeDisabled();

  // The seat cap: a field error for nonsense, then saved, shown with the count so far.
  await page.reload();
  const cap = page.getByLabel('Cap on automatically created people (optional)');
  await expect(page.getByTestId('seat-count')).toContainText(/\d+ (person|people) created automatically so far, no cap\. Each may add charges to your KaseyaOne invoice\./);
  await cap.fill('0');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('The cap is at least 1; leave it empty for no cap.')).toBeVisible();
  await cap.fill('1000000');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Settings saved.');
  await expect(page.getByTestId('seat-count')).toContainText('of 1000000 allowed');
  await expect(page.getByTestId('seat-warning')).toHaveCount(0);
  await page.reload();
  await expect(cap).toHaveValue('1000000');
});

test('a missing KaseyaOne partner organization id is a field error', async ({ page }) => {
  await signInWithTwoFactor(page);
  await page.goto('/admin/kaseyaone-settings');
  await page.getByLabel('KaseyaOne partner organization ID').fill('');
  await page.getByRole('switch', { name: 'Enable Log In With KaseyaOne' }).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Enter your KaseyaOne partner organization ID: only its users may log in.')).toBeVisible();
});

test('until the page has hydrated, the settings form cannot be used (its controls are disabled)', async ({ page, browser, baseURL }) => {
  await signInWithTwoFactor(page);
  // The server's HTML as a browser without JavaScript sees it: what precedes hydration.
  const plain = await browser.newContext({ javaScriptEnabled: false, baseURL, storageState: await page.context().storageState() });
  const before = await plain.newPage();
  await before.goto('/admin/kaseyaone-settings');
  await expect(before.getByRole('button', { name: 'Save' })).toBeDisabled();
  await expect(before.getByRole('switch', { name: 'Enable Log In With KaseyaOne' })).toBeDisabled();
  await plain.close();

  await page.goto('/admin/kaseyaone-settings');
  await expect(page.getByRole('button', { name: 'Save' })).toBeEnabled();
  await expect(page.getByRole('switch', { name: 'Enable Log In With KaseyaOne' })).toBeEnabled();
});
