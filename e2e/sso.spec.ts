import { expect, test, type Page } from '@playwright/test';
import postgres from 'postgres';
import { DEMO, e2eState, signIn, ssoLogin, uniqueEmail, signInAtSamlIdp } from './helpers';

// SSO through real identity providers: the samlify SAML IdP (SSO and KaseyaOne
// connections of Acme) and the oidc-provider OIDC IdP (Globex), in a real browser.

let sql: postgres.Sql;
test.beforeAll(() => {
  sql = postgres(e2eState().databaseUrl, { max: 2, onnotice: () => {} });
});
test.afterAll(async () => {
  await sql.end();
});

async function personRow(email: string) {
  const [row] = await sql`
    select p.first_name, p.last_name, p.source, p.status, r.name as role, d.name as department, a.name as account, o.slug as org
    from people p join organizations o on o.id = p.organization_id
    left join security_roles r on r.id = p.security_role_id
    left join departments d on d.id = p.department_id
    left join client_accounts a on a.id = p.client_account_id
    where lower(p.email) = lower(${email})`;
  return row;
}

async function expectSignedInAs(page: Page, email: string) {
  await expect(page.getByTestId('viewer')).toContainText(email);
}

async function expectDenied(page: Page, code: string, title: string) {
  await expect(page).toHaveURL(/\/auth\/denied\?/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByTestId('denial-code')).toHaveText(`Reason code: ${code}`);
  const ref = (await page.getByTestId('denial-ref').textContent())!.trim();
  const [event] = await sql`select type, reason_code from provisioning_events where id = ${ref}`;
  expect(event).toEqual({ type: 'login_denied', reason_code: code });
}

test.describe('KaseyaOne Unified Login', () => {
  const k1 = { partnerOrgId: 'k1-partner-acme', products: ['psa'] };

  test('the first login creates the person with the Employee Defaults; the next changes only the names', async ({ browser }) => {
    const email = uniqueEmail('k1.new', 'acme.example');
    const first = await browser.newPage();
    await ssoLogin(first, 'kaseyaone', email, { ...k1, email, firstName: 'Nia', lastName: 'Okafor', groups: ['Technicians'] });
    await expectSignedInAs(first, email);
    expect(await personRow(email)).toMatchObject({ first_name: 'Nia', last_name: 'Okafor', source: 'kaseyaone', role: 'Read Only', department: 'Service Desk', account: 'Initech', org: 'acme' });
    await first.goto('/hr/employees');
    await expect(first.getByRole('row', { name: new RegExp(email.replace(/\./g, '\\.')) })).toContainText('KaseyaOne');
    await first.close();

    const second = await browser.newPage();
    await ssoLogin(second, 'kaseyaone', email, { ...k1, email, firstName: 'Nia', lastName: 'Okafor-Bell', groups: ['Managers'] });
    await expectSignedInAs(second, email);
    expect(await personRow(email)).toMatchObject({ last_name: 'Okafor-Bell', role: 'Read Only' });
    const events = await sql`select e.type from provisioning_events e join people p on p.id = e.person_id where lower(p.email) = lower(${email}) order by e.created_at`;
    expect(events.map((e) => e.type)).toEqual(['person_created', 'person_updated']);
    await second.close();
  });

  test('a login for another KaseyaOne partner organization is refused with its page and event', async ({ page }) => {
    const email = uniqueEmail('k1.other', 'acme.example');
    await ssoLogin(page, 'kaseyaone', email, { email, partnerOrgId: 'k1-partner-globex', products: ['psa'] });
    await expectDenied(page, 'other_org', 'Your account belongs to another organization');
    expect(await personRow(email)).toBeUndefined();
  });

  test('a user with only another product (BullPhish ID) is refused', async ({ page }) => {
    const email = uniqueEmail('k1.bullphish', 'acme.example');
    await ssoLogin(page, 'kaseyaone', email, { email, partnerOrgId: 'k1-partner-acme', products: ['bullphish'] });
    await expectDenied(page, 'no_product_access', 'Your subscription does not include this product');
  });

  test('an assertion without an email is refused', async ({ page }) => {
    await ssoLogin(page, 'kaseyaone', 'someone@acme.example', { nameId: `no-email-${Date.now()}`, partnerOrgId: 'k1-partner-acme' });
    await expectDenied(page, 'missing_email', 'Your identity provider did not send an email address');
  });

  test('an inactive person is refused', async ({ page }) => {
    await ssoLogin(page, 'kaseyaone', 'carol.diaz@acme.example', { email: 'carol.diaz@acme.example', partnerOrgId: 'k1-partner-acme', products: ['psa'] });
    await expectDenied(page, 'user_inactive', 'Your account is inactive');
  });
});

test('organization-level refusals: not provisioned, login disabled, organization inactive, contract ended', async ({ browser }) => {
  const email = uniqueEmail('k1.initrode', 'initrode.example');
  const attempt = async (code: string, title: string) => {
    const page = await browser.newPage();
    await ssoLogin(page, 'kaseyaone', email, { email, partnerOrgId: 'k1-partner-initrode', products: ['psa'] });
    await expectDenied(page, code, title);
    await page.close();
  };
  const org = sql`(select id from organizations where slug = 'initrode')`;
  await attempt('not_provisioned', 'You don’t have an account here yet');
  await sql`update provisioning_settings set kaseyaone_login_enabled = false where organization_id = ${org}`;
  await attempt('login_disabled', 'Log in with KaseyaOne is turned off for your organization');
  await sql`update provisioning_settings set kaseyaone_login_enabled = true where organization_id = ${org}`;
  await sql`update organizations set status = 'inactive' where slug = 'initrode'`;
  await attempt('org_inactive', 'Your organization’s account is inactive');
  await sql`update organizations set status = 'active', contract_ends_on = current_date - 1 where slug = 'initrode'`;
  await attempt('org_contract_ended', 'Your organization’s contract has ended');
  expect(await personRow(email)).toBeUndefined();
});

test.describe('SSO JIT Provisioning', () => {
  test('the mapping rule decides the role, and a group change on the next login changes it', async ({ browser }) => {
    const email = uniqueEmail('jit', 'acme.example');
    const first = await browser.newPage();
    await ssoLogin(first, 'sso', email, { email, firstName: 'Jo', lastName: 'Tran', groups: ['Everyone', 'Technicians'] });
    await expectSignedInAs(first, email);
    expect(await personRow(email)).toMatchObject({ source: 'sso_jit', role: 'Technician', department: 'Service Desk' });
    await first.close();

    const second = await browser.newPage();
    await ssoLogin(second, 'sso', email, { email, firstName: 'Jo', lastName: 'Tran', groups: ['Technicians', 'Managers'] });
    await expectSignedInAs(second, email);
    expect(await personRow(email)).toMatchObject({ role: 'Service Manager' });
    await second.close();

    // The person page shows the groups of the latest login only (replaced, not appended), with source and time.
    const admin = await browser.newPage();
    await signIn(admin, DEMO.acmeAdmin);
    await admin.goto(`/hr/employees?q=${encodeURIComponent(email)}`);
    await admin.getByRole('link', { name: 'Jo Tran' }).click();
    const groups = admin.getByRole('table', { name: 'Groups' });
    await expect(groups.locator('tbody tr')).toHaveCount(2);
    await expect(groups.getByRole('row', { name: /Managers/ })).toContainText('SSO');
    await expect(groups.getByRole('row', { name: /Technicians/ })).toContainText(new Date().toISOString().slice(0, 10));
    await expect(groups).not.toContainText('Everyone');
    await admin.close();
  });

  test('a user in no mapped group gets no access', async ({ page }) => {
    const email = uniqueEmail('nogroup', 'acme.example');
    await ssoLogin(page, 'sso', email, { email, groups: ['Sales'] });
    await expectDenied(page, 'no_matching_rule', 'None of your groups gives you access');
    expect(await personRow(email)).toBeUndefined();
  });

  test('the admin finds a denial by the reference the end user was shown', async ({ browser }) => {
    const email = uniqueEmail('lookup', 'acme.example');
    const user = await browser.newPage();
    await ssoLogin(user, 'sso', email, { email, groups: ['Marketing'] });
    await expectDenied(user, 'no_matching_rule', 'None of your groups gives you access');
    const ref = (await user.getByTestId('denial-ref').textContent())!.trim();
    await user.close();

    const admin = await browser.newPage();
    await signIn(admin, DEMO.acmeAdmin);
    await admin.goto('/provisioning-log');
    await admin.getByLabel('Reference').fill(ref);
    await admin.getByRole('button', { name: 'Apply filters' }).click();
    const rows = admin.getByRole('table', { name: 'Provisioning events' }).locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('Login denied');
    await expect(rows.first()).toContainText('no_matching_rule — None of your groups gives you access');
    await expect(rows.first()).toContainText(email);
    await expect(rows.first()).toContainText('Marketing');
    await admin.screenshot({ path: 'test-results/screens/provisioning-log.png', fullPage: true });
    await admin.close();
  });

  test('the login preview shows what a real login then does, and writes nothing', async ({ browser }) => {
    const email = uniqueEmail('preview', 'acme.example');
    const admin = await browser.newPage();
    await signIn(admin, DEMO.acmeAdmin);
    await admin.goto('/admin/auth-provision');
    const preview = admin.getByRole('form', { name: 'Login preview' });
    await preview.getByLabel('Email').fill(email);
    await preview.getByLabel('First name').fill('Pia');
    await preview.getByLabel('Groups (one per line)').fill('Sales');
    await preview.getByRole('button', { name: 'Preview login' }).click();
    await expect(admin.getByTestId('preview-outcome')).toHaveText('Denied — None of your groups gives you access');
    await preview.getByLabel('Groups (one per line)').fill('Everyone\nTechnicians');
    await preview.getByRole('button', { name: 'Preview login' }).click();
    await expect(admin.getByTestId('preview-outcome')).toHaveText('Allowed — A new person would be created');
    await expect(admin.getByTestId('preview-rule')).toContainText('group Technicians → Technician');
    const sent = admin.getByRole('list', { name: 'Groups in the login' });
    await expect(sent.getByRole('listitem')).toHaveText(['Everyone', 'Technicians — matched the rule']);
    await expect(admin.getByTestId('preview-changes')).toContainText('Security Role: — → Technician');
    await expect(admin.getByTestId('preview-changes')).toContainText('Department: — → Service Desk');
    expect(await personRow(email)).toBeUndefined();
    await admin.close();

    const user = await browser.newPage();
    await ssoLogin(user, 'sso', email, { email, firstName: 'Pia', groups: ['Everyone', 'Technicians'] });
    await expectSignedInAs(user, email);
    expect(await personRow(email)).toMatchObject({ role: 'Technician', department: 'Service Desk', first_name: 'Pia' });
    await user.close();
  });

  test('a field the admin locked is not overwritten by the next SSO login; a deactivated person is refused', async ({ browser }) => {
    // Three IdP round trips and an admin session: on a loaded 2-core machine this needs more than the default minute.
    test.slow();
    const email = uniqueEmail('locked', 'acme.example');
    const user = await browser.newPage();
    await ssoLogin(user, 'sso', email, { email, firstName: 'Lou', lastName: 'Before', groups: ['Technicians'] });
    await expectSignedInAs(user, email);
    await user.close();

    const admin = await browser.newPage();
    await signIn(admin, DEMO.acmeAdmin);
    await admin.goto(`/hr/employees?q=${encodeURIComponent(email)}`);
    await admin.getByRole('link', { name: 'Lou Before' }).click();
    await expect(admin.getByRole('heading', { level: 1, name: 'Lou Before' })).toBeVisible();
    await admin.getByLabel('Lock First Name').check();
    await admin.getByRole('button', { name: 'Save locks' }).click();
    await expect(admin.getByRole('status').filter({ hasText: 'Locks saved.' })).toBeVisible();

    const again = await browser.newPage();
    await ssoLogin(again, 'sso', email, { email, firstName: 'Louis', lastName: 'After', groups: ['Technicians'] });
    await expectSignedInAs(again, email);
    expect(await personRow(email)).toMatchObject({ first_name: 'Lou', last_name: 'After' });
    await again.close();

    await admin.reload();
    await expect(admin.getByLabel('Person events')).toContainText('person updated');
    // Deactivate asks first, like delete: Cancel changes nothing.
    await admin.getByRole('button', { name: 'Deactivate' }).click();
    await admin.getByRole('button', { name: 'Cancel' }).click();
    await expect(admin.getByRole('button', { name: 'Confirm deactivate' })).toHaveCount(0);
    expect(await personRow(email)).toMatchObject({ status: 'active' });
    await admin.getByRole('button', { name: 'Deactivate' }).click();
    await admin.getByRole('button', { name: 'Confirm deactivate' }).click();
    await expect(admin.getByRole('status').filter({ hasText: 'Person deactivated.' })).toBeVisible();
    await admin.close();

    const refused = await browser.newPage();
    await ssoLogin(refused, 'sso', email, { email, firstName: 'Lou', groups: ['Technicians'] });
    await expectDenied(refused, 'user_inactive', 'Your account is inactive');
    await refused.close();
  });

  test('IdP-initiated login signs the person in', async ({ page }) => {
    const { samlOrigin, appUrl } = e2eState();
    const email = uniqueEmail('idpinit', 'acme.example');
    await page.goto(`${samlOrigin}/idp-initiated?acs=${encodeURIComponent(`${appUrl}/api/oauth/saml`)}&audience=urn:auth-provision:sp`);
    await signInAtSamlIdp(page, { email, firstName: 'Ida', lastName: 'Init', groups: ['Technicians'] });
    await expectSignedInAs(page, email);
    expect(await personRow(email)).toMatchObject({ role: 'Technician', org: 'acme' });
  });

  test('OIDC login (Globex) creates the person from the released claims and groups', async ({ page }) => {
    const email = uniqueEmail('oidc', 'globex.example');
    await page.goto('/login');
    await page.getByLabel('Work email').fill(email);
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    await expect(page.getByLabel('Email')).toHaveValue(email);
    await page.getByLabel('First name').fill('Olga');
    await page.getByLabel('Last name').fill('Idc');
    await page.getByLabel('Groups').fill('Engineers');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectSignedInAs(page, email);
    expect(await personRow(email)).toMatchObject({ first_name: 'Olga', last_name: 'Idc', source: 'sso_jit', role: 'Engineer', org: 'globex' });
  });

  test('an email whose organization has no SSO connection is told so', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Work email').fill('someone@unknown.example');
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    await expect(page.getByTestId('sso-error')).toContainText('Single sign-on is not set up');
  });
});

test('the admin still signs in with a password next to the SSO options', async ({ page }) => {
  await signIn(page, DEMO.acmeAdmin);
  await expect(page.getByTestId('org-name')).toHaveText('Acme MSP');
});
