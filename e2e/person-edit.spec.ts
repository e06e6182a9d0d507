import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { DEMO, e2eState, signIn, uniqueEmail } from './helpers';

// Person page: admins edit a person's fields; technicians only look. Each test makes its
// own person, so nothing else in the suite sees the changes.

let sql: postgres.Sql;
test.beforeAll(() => {
  sql = postgres(e2eState().databaseUrl, { max: 2, onnotice: () => {} });
});
test.afterAll(async () => {
  await sql.end();
});

async function newEmployee(email: string) {
  const [row] = await sql`
    insert into people (organization_id, type, email, first_name, last_name, username, security_role_id, department_id)
    select o.id, 'employee', ${email}, 'Edna', 'Edit', 'edna', r.id, d.id
    from organizations o
    join security_roles r on r.organization_id = o.id and r.name = 'Read Only'
    join departments d on d.organization_id = o.id and d.name = 'Finance'
    where o.slug = 'acme'
    returning id`;
  return row!.id as string;
}

test('an admin edits the details: a taken email (any case) is a field error; the saved change is shown and in the events', async ({ page }) => {
  const email = uniqueEmail('edna', 'acme.example');
  const id = await newEmployee(email);
  await signIn(page, DEMO.acmeAdmin);
  await page.goto(`/people/${id}`);
  await expect(page.getByLabel('Person details')).toContainText('Finance');

  await page.getByRole('button', { name: 'Edit details' }).click();
  const form = page.getByRole('form', { name: 'Edit details' });
  await expect(form.getByLabel('Department')).toHaveValue(/.+/);
  await form.getByLabel('First name').fill('');
  await form.getByLabel('Phone', { exact: true }).fill('call me maybe');
  await form.getByRole('button', { name: 'Save details' }).click();
  await expect(form.getByText('Enter a first name.')).toBeVisible();
  await expect(form.getByText('Enter a phone number: digits, spaces and + ( ) - . only.')).toBeVisible();

  await form.getByLabel('First name').fill('Edwina');
  await form.getByLabel('Phone', { exact: true }).fill('+1 555 0142');
  await form.getByLabel('Email').fill('ALICE.NGUYEN@acme.example');
  await form.getByLabel('Job Title').selectOption({ label: 'Systems Engineer' });
  await form.getByLabel('Security Role').selectOption({ label: 'Technician (access level 30)' });
  await form.getByRole('button', { name: 'Save details' }).click();
  await expect(form.getByText('Another person already uses this email address.')).toBeVisible();
  await expect(form.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');

  const newEmail = uniqueEmail('edwina', 'acme.example');
  await form.getByLabel('Email').fill(newEmail);
  await form.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Details saved.' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Edwina Edit');
  const shown = page.getByLabel('Person details');
  for (const text of [newEmail, '+1 555 0142', 'Systems Engineer', 'Technician']) await expect(shown).toContainText(text);

  const events = page.getByRole('list', { name: 'Person events' });
  await expect(events.getByText('person updated').first()).toBeVisible();
  await expect(events).toContainText('First Name: Edna → Edwina');
  await expect(events).toContainText('Security Role: Read Only → Technician');

  const [row] = await sql`select first_name, email, phone from people where id = ${id}`;
  expect(row).toEqual({ first_name: 'Edwina', email: newEmail, phone: '+1 555 0142' });
});

test('a technician sees the details but cannot edit them', async ({ page }) => {
  const id = await newEmployee(uniqueEmail('edna.ro', 'acme.example'));
  await signIn(page, DEMO.acmeTech);
  expect((await page.goto(`/people/${id}`))?.status()).toBe(200);
  await expect(page.getByLabel('Person details')).toContainText('Finance');
  await expect(page.getByRole('button', { name: 'Edit details' })).toHaveCount(0);
  await expect(page.getByRole('form', { name: 'Edit details' })).toHaveCount(0);
});

test("another organization's admin gets a 404 for the person", async ({ page }) => {
  const id = await newEmployee(uniqueEmail('edna.404', 'acme.example'));
  await signIn(page, DEMO.globexAdmin);
  expect((await page.goto(`/people/${id}`))?.status()).toBe(404);
});

test('every Employee Default a KaseyaOne login sets is shown and editable: Manager, Employment Type and Account', async ({ page }) => {
  const email = uniqueEmail('edna.defaults', 'acme.example');
  const [row] = await sql`
    insert into people (organization_id, type, source, email, first_name, last_name, security_role_id, manager_id, employment_type_id, client_account_id)
    select o.id, 'employee', 'kaseyaone', ${email}, 'Dee', 'Faults', r.id, o.root_person_id, t.id, a.id
    from organizations o
    join security_roles r on r.organization_id = o.id and r.name = 'Read Only'
    join employment_types t on t.organization_id = o.id and t.name = 'Contractor'
    join client_accounts a on a.organization_id = o.id and a.name = 'Initech'
    where o.slug = 'acme'
    returning id`;
  await signIn(page, DEMO.acmeAdmin);
  await page.goto(`/people/${row!.id}`);
  const shown = page.getByLabel('Person details');
  for (const text of ['Manager', 'Ava Root', 'Employment Type', 'Contractor', 'Account', 'Initech']) await expect(shown).toContainText(text);

  await page.getByRole('button', { name: 'Edit details' }).click();
  const form = page.getByRole('form', { name: 'Edit details' });
  await form.getByLabel('Manager').selectOption({ label: 'Theo Tech' });
  await form.getByLabel('Employment Type').selectOption({ label: 'Full-time' });
  await form.getByLabel('Account').selectOption({ label: 'None' });
  await form.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Details saved.' })).toBeVisible();
  for (const text of ['Theo Tech', 'Full-time']) await expect(shown).toContainText(text);
  await expect(page.getByRole('list', { name: 'Person events' })).toContainText('Manager: Ava Root → Theo Tech');
  const [after] = await sql`select client_account_id from people where id = ${row!.id}`;
  expect(after).toEqual({ client_account_id: null });
});

test('Remove asks for a reason, is audited and filterable in the list; Restore brings the person back', async ({ page }) => {
  const email = uniqueEmail('edna.removed', 'acme.example');
  const id = await newEmployee(email);
  await signIn(page, DEMO.acmeAdmin);
  await page.goto(`/people/${id}`);
  const removal = page.getByRole('region', { name: 'Removal' });
  await removal.getByRole('button', { name: 'Remove' }).click();
  await removal.getByRole('button', { name: 'Confirm remove' }).click();
  await expect(removal.getByRole('alert')).toHaveText('Say why this person is removed: the log keeps it.');
  await removal.getByLabel('Reason for removal').fill('Contract ended');
  await removal.getByRole('button', { name: 'Confirm remove' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Person removed.' })).toBeVisible();
  await expect(removal).toContainText('Contract ended');
  await expect(page.getByRole('button', { name: 'Reactivate' })).toBeDisabled();
  await expect(page.getByRole('list', { name: 'Person events' })).toContainText('person removed');

  await page.goto(`/hr/employees?status=removed&q=${encodeURIComponent(email)}`);
  await expect(page.getByRole('link', { name: 'Edna Edit' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Edna Edit/ })).toContainText('Removed');
  await page.goto(`/hr/employees?status=active&q=${encodeURIComponent(email)}`);
  await expect(page.getByText('Nobody matches')).toBeVisible();

  await page.goto(`/people/${id}`);
  await removal.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Person restored.' })).toBeVisible();
  await expect(removal.getByRole('button', { name: 'Remove' })).toBeVisible();
  const [row] = await sql`select status, removed_at from people where id = ${id}`;
  expect(row).toEqual({ status: 'active', removed_at: null });
});
