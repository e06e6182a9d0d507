import { expect, test } from '@playwright/test';
import { DEMO, signIn } from './helpers';

// On Globex; the mapping is removed at the end.

test('Attribute mapping: a claim fills Department, the default covers a missing claim, as the login preview shows', async ({ page }) => {
  await signIn(page, DEMO.globexAdmin);
  await page.goto('/admin/auth-provision');
  const add = page.getByRole('form', { name: 'Add attribute mapping' });
  await add.getByRole('button', { name: 'Save mapping' }).click();
  await expect(add.getByText('Enter the assertion attribute name (a claim URI is fine).')).toBeVisible();

  await add.getByLabel('Assertion attribute').fill('http://schemas.example.com/claims/office-department');
  await add.getByLabel('Person field').selectOption({ label: 'Department' });
  await add.getByLabel('Default value').fill('Nowhere');
  await add.getByRole('button', { name: 'Save mapping' }).click();
  await expect(add.getByText('"Nowhere" is not a Department of your organization: choose an existing one or leave it empty.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Attribute mappings' })).toHaveCount(0);
  await add.getByLabel('Default value').fill('billing');
  await add.getByRole('button', { name: 'Save mapping' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Attribute mapping saved.' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Attribute mappings' });
  await expect(table.getByRole('row', { name: /office-department/ })).toContainText('Billing');

  const preview = page.getByRole('form', { name: 'Login preview' });
  await preview.getByLabel('Email').fill('mapping.check@globex.example');
  await preview.getByLabel('Other assertion attributes ("name: value" per line)').fill('http://schemas.example.com/claims/office-department: Support');
  await preview.getByRole('button', { name: 'Preview login' }).click();
  await expect(page.getByTestId('preview-changes')).toContainText('Department: — → Support');
  await preview.getByLabel('Other assertion attributes ("name: value" per line)').fill('');
  await preview.getByRole('button', { name: 'Preview login' }).click();
  await expect(page.getByTestId('preview-changes')).toContainText('Department: — → Billing');

  await table.getByRole('button', { name: 'Delete the mapping for Department' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Attribute mapping deleted.' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Attribute mappings' })).toHaveCount(0);
});
