import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { DEMO, e2eState, employeeRow, scimScript, signIn, ssoLogin, uniqueEmail } from './helpers';

// Directory Sync over SCIM through the running server: an admin adds a directory, a script
// pushes users and groups with the token the page showed once, the people appear in
// Employees with the rule's role (e2e global setup: group Managers → Service Manager,
// Technicians → Technician), and a PATCH active:false deactivates one, whose next SSO login
// is then refused.

let sql: postgres.Sql;
test.beforeAll(() => {
  sql = postgres(e2eState().databaseUrl, { max: 2, onnotice: () => {} });
});
test.afterAll(async () => {
  await sql.end();
});

test('an admin adds a directory; pushed users and groups become Employees with the rule’s role; PATCH active:false deactivates and the next SSO login is refused', async ({ page, browser }) => {
  await signIn(page, DEMO.acmeAdmin);
  await page.goto('/admin/auth-provision');
  const section = page.getByRole('heading', { name: 'Directory Sync (SCIM)' });
  await expect(section).toBeVisible();
  const name = `Okta e2e ${Date.now()}`;
  const form = page.getByRole('form', { name: 'Add a directory' });
  await form.getByLabel('Directory name').fill(name);
  await form.getByLabel('Provider type').selectOption({ label: 'Okta SCIM v2.0' });
  await form.getByRole('button', { name: 'Add directory' }).click();
  const details = page.getByRole('region', { name: 'SCIM connection details' });
  await expect(details).toContainText('shown only this once');
  const base = await details.getByRole('textbox', { name: 'SCIM base URL' }).inputValue();
  const token = await details.getByRole('textbox', { name: 'Bearer token' }).inputValue();
  expect(base).toMatch(/\/api\/scim\/v2\.0\/[0-9a-f-]{36}$/);
  expect(token).toMatch(/^scim_/);
  await expect(page.getByRole('table', { name: 'SCIM directories' })).toContainText(name);

  // The script: two users, two groups with members (Okta's Group Push).
  const scim = scimScript(base, token);
  const ann = uniqueEmail('scim.ann', 'acme.example');
  const ben = uniqueEmail('scim.ben', 'acme.example');
  const user = (email: string, given: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: email, name: { givenName: given, familyName: 'Pushed' }, emails: [{ primary: true, value: email, type: 'work' }], active: true });
  const a = await scim('POST', 'Users', user(ann, 'Ann'));
  const b = await scim('POST', 'Users', user(ben, 'Ben'));
  expect([a.status, b.status]).toEqual([201, 201]);
  expect((await scim('POST', 'Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Managers', members: [{ value: a.body.id }] })).status).toBe(201);
  expect((await scim('POST', 'Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Technicians', members: [{ value: b.body.id }] })).status).toBe(201);

  const annRow = await employeeRow(page, ann);
  await expect(annRow).toContainText('Service Manager');
  await expect(annRow).toContainText('SCIM');
  await expect(annRow).toContainText('Active');
  const benRow = await employeeRow(page, ben);
  await expect(benRow).toContainText('Technician');

  // Ben leaves: the IdP sets him inactive.
  const off = await scim('PATCH', `Users/${b.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] });
  expect(off.status).toBe(200);
  await expect(await employeeRow(page, ben)).toContainText('Inactive');
  const [event] = await sql`select e.type, e.reason_code, e.source from provisioning_events e join people p on p.id = e.person_id where lower(p.email) = lower(${ben}) order by e.created_at desc limit 1`;
  expect(event).toEqual({ type: 'person_deactivated', reason_code: 'scim_inactive', source: 'scim' });

  const login = await browser.newPage();
  await ssoLogin(login, 'sso', ben, { email: ben, firstName: 'Ben', lastName: 'Pushed', groups: ['Technicians'] });
  await expect(login).toHaveURL(/\/auth\/denied\?/);
  await expect(login.getByTestId('denial-code')).toHaveText('Reason code: user_inactive');
  await login.close();

  // The token is not shown again; rotating it stops the old one at once.
  await page.goto('/admin/auth-provision');
  await expect(page.getByRole('region', { name: 'SCIM connection details' })).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'SCIM directories' }).getByRole('row', { name: new RegExp(name) })).toContainText('2');
  await page.getByRole('button', { name: `Rotate the token of ${name}` }).click();
  const rotated = await page.getByRole('region', { name: 'SCIM connection details' }).getByRole('textbox', { name: 'Bearer token' }).inputValue();
  expect(rotated).not.toBe(token);
  expect((await scim('GET', 'Users')).status).toBe(401);
  expect((await scimScript(base, rotated)('GET', 'Users')).status).toBe(200);

  // Delete, asked twice; the people stay.
  await page.getByRole('button', { name: `Delete directory ${name}` }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(page.getByRole('status')).toHaveText('Directory deleted.');
  expect((await scimScript(base, rotated)('GET', 'Users')).status).toBe(404);
  await expect(await employeeRow(page, ann)).toContainText('Active');
});
