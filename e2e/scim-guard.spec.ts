import { expect, test, type Page } from '@playwright/test';
import { DEMO, employeeRow, expectCentered, scimScript, signIn, uniqueEmail } from './helpers';

// The mass-deactivation guard of a SCIM directory, through the running server: an admin sets
// it on Auth & Provision › Directory Sync (SCIM), a script pushes users with the token the
// page showed, then deactivates enough of them to trip it; the page shows the held ones and
// Discard / Confirm settle them. Acme's e2e rule: group Technicians → Technician.

const PERCENT = 'Hold when 10 minutes of pushes would deactivate more than (%)';
const MINIMUM = '…and at least (people)';

async function addDirectory(page: Page, name: string) {
  await page.goto('/admin/auth-provision');
  const form = page.getByRole('form', { name: 'Add a directory' });
  await form.getByLabel('Directory name').fill(name);
  await form.getByLabel('Provider type').selectOption({ label: 'Okta SCIM v2.0' });
  await form.getByRole('button', { name: 'Add directory' }).click();
  const details = page.getByRole('region', { name: 'SCIM connection details' });
  await expect(details).toContainText('shown only this once');
  const base = await details.getByRole('textbox', { name: 'SCIM base URL' }).inputValue();
  const token = await details.getByRole('textbox', { name: 'Bearer token' }).inputValue();
  const row = page.getByRole('table', { name: 'SCIM directories' }).getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('More than 20 %, at least 10 people');
  return { base, token, row };
}

async function openGuard(page: Page, name: string) {
  await page.getByRole('button', { name: `Edit the deactivation guard of ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Deactivation guard of ${name}` });
  await expectCentered(page, dialog);
  return dialog;
}

test('an admin sets a directory’s guard; deactivations pushed over it are held: Discard keeps the people active, Confirm makes them inactive', async ({ page }) => {
  await signIn(page, DEMO.acmeAdmin);
  const name = `Okta guard e2e ${Date.now()}`;
  const { base, token, row } = await addDirectory(page, name);

  const dialog = await openGuard(page, name);
  await expect(dialog).toHaveAccessibleDescription(/within 10 minutes.*wait here until an admin confirms or discards them/);
  await expect(dialog.getByLabel(PERCENT)).toHaveValue('20');
  await expect(dialog.getByLabel(MINIMUM)).toHaveValue('10');
  await dialog.getByLabel(PERCENT).fill('10');
  await dialog.getByLabel(MINIMUM).fill('2');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText(`Guard of ${name} saved.`);
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('More than 10 %, at least 2 people');

  // The IdP pushes four Technicians.
  const scim = scimScript(base, token);
  const emails = ['ann', 'ben', 'cat', 'dan'].map((n) => uniqueEmail(`guard.${n}`, 'acme.example'));
  const ids: string[] = [];
  for (const email of emails) {
    const res = await scim('POST', 'Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: email, name: { givenName: 'Guard', familyName: 'Pushed' }, emails: [{ primary: true, value: email }], active: true });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  const group = await scim('POST', 'Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Technicians', members: ids.map((value) => ({ value })) });
  expect(group.status).toBe(201);
  for (const email of emails) await expect(await employeeRow(page, email)).toContainText('Technician');

  const off = async (i: number) => expect((await scim('PATCH', `Users/${ids[i]}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] })).status).toBe(200);
  const expectStatus = async (i: number, status: 'Active' | 'Inactive') => expect((await employeeRow(page, emails[i]!)).getByRole('cell', { name: status, exact: true })).toBeVisible();
  const expectActive = (i: number) => expectStatus(i, 'Active');
  const expectInactive = (i: number) => expectStatus(i, 'Inactive');

  // One deactivation is under the minimum of 2: applied at once.
  await off(0);
  await expectInactive(0);
  // The second within 10 minutes reaches 2 and is more than 10 % of the four: held, and the third waits with it.
  await off(1);
  await off(2);
  await page.goto('/admin/auth-provision');
  await expect(row).toContainText('2 deactivations held');
  await expectActive(1);
  await expectActive(2);

  // Discard: nobody is deactivated.
  await page.goto('/admin/auth-provision');
  await row.getByRole('button', { name: `Discard the held deactivations of ${name}` }).click();
  await expect(page.getByRole('status')).toHaveText('Held deactivations discarded.');
  await expect(row).not.toContainText('deactivations held');
  await expectActive(1);
  await expectActive(2);

  // The IdP sends them again: held again. Confirm: both inactive; the fourth stays active.
  await off(1);
  await off(2);
  await page.goto('/admin/auth-provision');
  await expect(row).toContainText('2 deactivations held');
  await row.getByRole('button', { name: `Confirm the held deactivations of ${name}` }).click();
  await expect(page.getByRole('status')).toHaveText('Held deactivations applied.');
  await expect(row).not.toContainText('deactivations held');
  await expectInactive(1);
  await expectInactive(2);
  await expectActive(3);
});

test('a bad guard value shows its field error and changes nothing', async ({ page }) => {
  await signIn(page, DEMO.acmeAdmin);
  const name = `Guard bad values e2e ${Date.now()}`;
  const { row } = await addDirectory(page, name);
  const dialog = await openGuard(page, name);
  const percent = dialog.getByLabel(PERCENT);
  const minimum = dialog.getByLabel(MINIMUM);

  for (const bad of ['0', '150']) {
    await percent.fill(bad);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(percent).toHaveAttribute('aria-invalid', 'true');
    await expect(percent).toHaveAccessibleDescription('Between 1 and 100.');
  }
  await percent.fill('30');
  await minimum.fill('');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(minimum).toHaveAccessibleDescription('Enter a number of people.');
  await expect(percent).not.toHaveAttribute('aria-invalid', 'true');
  await expect(dialog).toBeVisible();

  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await page.reload();
  await expect(row).toContainText('More than 20 %, at least 10 people');
  const again = await openGuard(page, name);
  await expect(again.getByLabel(PERCENT)).toHaveValue('20');
  await expect(again.getByLabel(MINIMUM)).toHaveValue('10');
});
