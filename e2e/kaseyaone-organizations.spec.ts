import { expect, test } from '@playwright/test';
import { DEMO, signIn } from './helpers';

// KaseyaOne Settings › Organizations. Acme has seeded organizations; this spec adds its
// own with unique ids and leaves the seeded ones as they are. Globex has none.

const TAB = '/admin/kaseyaone-settings?tab=organizations';

test('lists the KaseyaOne organizations with their Account; search by name or ID goes through the URL', async ({ page }) => {
  await signIn(page, DEMO.acmeAdmin);
  await page.goto('/admin/kaseyaone-settings');
  await page.getByRole('link', { name: 'Organizations' }).click();
  await expect(page.getByRole('link', { name: 'Organizations' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'Organizations KaseyaOne reports' })).toBeVisible();
  await expect(page.getByText('add organizations by hand')).toBeVisible();
  const table = page.getByRole('table', { name: 'KaseyaOne organizations' });
  const initech = table.getByRole('row', { name: /k1-org-10041/ });
  await expect(initech).toContainText('Initech');
  await expect(initech.getByLabel('Client Account for Initech')).toHaveValue(/.+/);
  await expect(initech.getByLabel('Client Account for Initech').locator('option:checked')).toHaveText('Initech');
  await expect(table.getByRole('row', { name: /Vandelay Industries/ }).locator('option:checked')).toHaveText('Not mapped');

  const search = page.getByRole('search', { name: 'Search KaseyaOne organizations' });
  await search.getByLabel('Search').fill('VANDELAY');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/tab=organizations.*q=VANDELAY|q=VANDELAY.*tab=organizations/);
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table.locator('tbody tr')).toContainText('k1-org-10112');

  await page.goto(`${TAB}&q=k1-org-1005`);
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table.locator('tbody tr')).toContainText('Umbrella Health Group');
  await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue('k1-org-1005');

  await page.goto(`${TAB}&q=no-such-org`);
  await expect(page.getByText('No KaseyaOne organization matches “no-such-org”')).toBeVisible();
  await page.getByRole('link', { name: 'Clear the search' }).click();
  await expect(table.getByRole('row', { name: /k1-org-10041/ })).toBeVisible();

  await page.getByRole('link', { name: /^KaseyaOne ID/ }).click();
  await expect(page.getByRole('columnheader', { name: /KaseyaOne ID/ })).toHaveAttribute('aria-sort', 'ascending');
  await page.getByRole('link', { name: /^KaseyaOne ID/ }).click();
  await expect(page.getByRole('columnheader', { name: /KaseyaOne ID/ })).toHaveAttribute('aria-sort', 'descending');
});

test('add one by hand, map it to an Account, remap, unmap and remove it; each change is in the Provisioning Log', async ({ page }) => {
  const id = `k1-e2e-${Date.now().toString(36)}`;
  const name = `E2E Org ${id.slice(-5)}`;
  await signIn(page, DEMO.acmeAdmin);
  await page.goto(TAB);
  await page.getByRole('button', { name: 'Add organization' }).click();
  const form = page.getByRole('form', { name: 'Add KaseyaOne organization' });
  await expect(form).toContainText('we don’t read the list from KaseyaOne yet');
  await form.getByRole('button', { name: 'Add organization' }).click();
  await expect(form.getByText('Enter the organization ID KaseyaOne shows.')).toBeVisible();
  await expect(form.getByText('Enter the organization name.')).toBeVisible();
  await expect(form.getByLabel('KaseyaOne ID')).toHaveAttribute('aria-invalid', 'true');

  // A duplicate ID is refused by the server, next to the field.
  await form.getByLabel('KaseyaOne ID').fill('k1-org-10041');
  await form.getByLabel('Name').fill('Initech twice');
  await form.getByRole('button', { name: 'Add organization' }).click();
  await expect(form.getByText('A KaseyaOne organization with this ID is already in the list.')).toBeVisible();

  await form.getByLabel('KaseyaOne ID').fill(id);
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Client Account (optional)').selectOption({ label: 'Initech' });
  await form.getByRole('button', { name: 'Add organization' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} added.` })).toBeVisible();

  await page.goto(`${TAB}&q=${id}`);
  const row = page.getByRole('table', { name: 'KaseyaOne organizations' }).getByRole('row', { name: new RegExp(id) });
  const account = row.getByLabel(`Client Account for ${name}`);
  await expect(account.locator('option:checked')).toHaveText('Initech');

  await account.selectOption({ label: 'Umbrella Health' });
  await row.getByRole('button', { name: `Save the Account of ${name}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} mapped to Umbrella Health.` })).toBeVisible();
  await page.reload();
  await expect(account.locator('option:checked')).toHaveText('Umbrella Health');

  await row.getByRole('button', { name: `Unmap ${name}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} unmapped.` })).toBeVisible();
  await expect(account.locator('option:checked')).toHaveText('Not mapped');
  await expect(row.getByRole('button', { name: `Unmap ${name}` })).toHaveCount(0);

  await page.goto(`/provisioning-log?type=settings_changed`);
  const log = page.getByRole('table', { name: 'Provisioning events' });
  await expect(log.getByRole('row').filter({ hasText: `KaseyaOne organization ${id}, Account` }).first()).toContainText('Umbrella Health → —');
  await expect(log.getByRole('row').filter({ hasText: `KaseyaOne organization ${id}: — → ${name}` })).toHaveCount(1);

  await page.goto(`${TAB}&q=${id}`);
  await row.getByRole('button', { name: `Remove ${name}` }).click();
  await row.getByRole('button', { name: 'Confirm remove' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} removed.` })).toBeVisible();
  await expect(page.getByText(`No KaseyaOne organization matches “${id}”`)).toBeVisible();
});

test('an organization with none sees the empty state, with the way to add one', async ({ page }) => {
  await signIn(page, DEMO.globexAdmin);
  await page.goto(TAB);
  await expect(page.getByText('No KaseyaOne organizations yet')).toBeVisible();
  await expect(page.getByRole('table', { name: 'KaseyaOne organizations' })).toHaveCount(0);
  await expect(page.getByRole('search', { name: 'Search KaseyaOne organizations' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add organization' })).toBeVisible();
});

test('a technician gets a 403 on the Organizations tab', async ({ page }) => {
  await signIn(page, DEMO.acmeTech);
  expect((await page.goto(TAB))?.status()).toBe(403);
});
