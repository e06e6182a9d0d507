import { expect, test } from '@playwright/test';
import { DEMO, signIn } from './helpers';

// On Globex, with group names no other spec uses, and orders below its catch-all rule (10).

test('Mapping Rules: add, validation, ordering decides the role (seen in the login preview), delete', async ({ page }) => {
  await signIn(page, DEMO.globexAdmin);
  await page.goto('/admin/auth-provision');
  const table = page.getByRole('table', { name: 'Mapping Rules' });

  const addRule = async (group: string, role: string, order: string) => {
    await page.getByRole('button', { name: 'Add rule' }).click();
    const form = page.getByRole('form', { name: 'Add mapping rule' });
    await form.getByLabel('Security group').fill(group);
    await form.getByLabel('Order (lowest wins)').fill(order);
    await form.getByLabel('Security Role').selectOption({ label: role });
    await form.getByRole('button', { name: 'Save rule' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Rule added.' })).toBeVisible();
    await expect(table.getByRole('row', { name: new RegExp(group) })).toBeVisible();
  };

  await page.getByRole('button', { name: 'Add rule' }).click();
  const form = page.getByRole('form', { name: 'Add mapping rule' });
  await form.getByLabel('Security group').fill('Ord-X');
  await form.getByLabel('Domain').fill('not a domain!');
  await form.getByRole('button', { name: 'Save rule' }).click();
  await expect(form.getByText('Choose a Security Role.')).toBeVisible();
  await expect(form.getByText('Enter a domain like contoso.com, or leave empty for any.')).toBeVisible();
  await form.getByRole('button', { name: 'Cancel' }).click();

  await addRule('Ord-A', 'Engineer (access level 40)', '8');
  await addRule('Ord-B', 'Basic (access level 0)', '6');

  const previewRule = async () => {
    const preview = page.getByRole('form', { name: 'Login preview' });
    await preview.getByLabel('Email').fill('ordering.check@globex.example');
    await preview.getByLabel('Groups (one per line)').fill('Ord-A\nOrd-B');
    await preview.getByRole('button', { name: 'Preview login' }).click();
    return page.getByTestId('preview-rule');
  };
  await expect(await previewRule()).toContainText('group Ord-B → Basic');

  await table.getByRole('button', { name: 'Edit rule Ord-A' }).click();
  const edit = page.getByRole('form', { name: 'Edit mapping rule' });
  await edit.getByLabel('Order (lowest wins)').fill('4');
  await edit.getByRole('button', { name: 'Save rule' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Rule saved.' })).toBeVisible();
  await expect(table.locator('tbody tr').first()).toContainText('Ord-A');
  await expect(await previewRule()).toContainText('group Ord-A → Engineer');
  await page.screenshot({ path: 'test-results/screens/mapping-rules.png', fullPage: true });

  for (const group of ['Ord-A', 'Ord-B']) {
    await table.getByRole('button', { name: `Delete rule ${group}` }).click();
    await table.getByRole('button', { name: 'Confirm delete' }).click();
    await expect(table.getByRole('row', { name: new RegExp(group) })).toHaveCount(0);
  }
});
