import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { fakeGraphControl } from './graph/control';
import { DEMO, e2eState, expectCentered, signIn } from './helpers';

// Seed 003 through the browser: an admin adds a Mapping Rule and a connection, connects
// through (fake) Microsoft admin consent, and people appear; a change in Azure AD reaches
// the app on the next interval. The fake Microsoft Graph runs on 127.0.0.1 (global setup).

// Screenshots of the Azure AD Sync tabs, like e2e/screenshots.spec.ts: test-results/screens, or SCREENSHOT_DIR.
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR ?? 'test-results/screens', `${name}.png`), fullPage: true });

const APP_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const SECRET = 'e2e-client-secret-value-42';

async function newTenant(name: string) {
  const graph = fakeGraphControl(e2eState().graphUrl);
  const tenantId = randomUUID();
  const domain = `${name}-${Date.now().toString(36)}.onmicrosoft.com`;
  await graph.addTenant({ tenantId, domain, apps: [{ appId: APP_ID, secret: SECRET }] });
  return { graph, tenantId, domain };
}

async function addConnection(page: Page, values: { tenant: string; key: string; interval?: string }) {
  await page.goto('/admin/azure-ad');
  await page.getByRole('button', { name: 'Add connection' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add connection' });
  await expectCentered(page, dialog);
  await dialog.getByLabel('Tenant Domain Name').fill(values.tenant);
  await dialog.getByLabel('Application ID').fill(APP_ID);
  await dialog.getByLabel('Application Key').fill(values.key);
  if (values.interval) await dialog.getByLabel('Sync interval (seconds)').fill(values.interval);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('Connection added');
}

/** An Azure AD Mapping Rule through the Mapping Rules tab: this tenant's group → employee, Technician. */
async function addTechnicianRule(page: Page, domain: string, group: string) {
  await page.goto('/admin/azure-ad?tab=rules');
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByLabel('Tenant').fill(domain);
  await page.getByLabel('Group Object ID').fill(group);
  const technician = await page.getByLabel('Security Role').locator('option', { hasText: 'Technician' }).first().getAttribute('value');
  await page.getByLabel('Security Role').selectOption(technician!);
  await page.getByRole('button', { name: 'Save rule' }).click();
  await expect(page.getByRole('table', { name: 'Mapping Rules' })).toContainText(group);
}

test('admin maps a group, adds and connects a tenant; people appear; a change in Azure AD arrives on the next interval', async ({ page }) => {
  test.setTimeout(120_000);
  const { graph, tenantId, domain } = await newTenant('contoso');
  const group = randomUUID();
  const [ann, ben] = [randomUUID(), randomUUID()];
  const mail = (n: string) => `${n}.${tenantId.slice(0, 8)}@contoso.example`;
  await graph.addGroup(tenantId, { id: group, displayName: 'Service Desk' });
  await graph.upsertUser(tenantId, { id: ann, givenName: 'Ann', surname: 'Azure', userPrincipalName: `ann@${domain}`, mail: mail('ann'), jobTitle: 'Dispatcher', accountEnabled: true });
  await graph.upsertUser(tenantId, { id: ben, givenName: 'Ben', surname: 'Nogroup', userPrincipalName: `ben@${domain}`, mail: mail('ben'), accountEnabled: true });
  await graph.addMember(tenantId, group, ann);

  await signIn(page, DEMO.acmeAdmin);
  await addTechnicianRule(page, domain, group);
  await shot(page, 'azure-mapping-rules');

  await addConnection(page, { tenant: domain, key: SECRET, interval: '10' });
  const status = page.getByTestId(`status-${domain}`);
  await expect(status).toContainText('Not connected');
  // The key is write-only: masked in the table, never in the page source.
  await expect(page.getByRole('table', { name: 'Azure AD connections' })).toContainText('••••');
  expect(await page.content()).not.toContain(SECRET);

  await page.getByRole('button', { name: `Connect ${domain}` }).click();
  await expect(page).toHaveURL(/\/admin\/azure-ad\?connect=ok/);
  await expect(page.getByRole('status')).toContainText('Connected');
  await expect(status).toContainText('Connected');

  // The first sync starts right after connecting.
  await page.goto('/admin/azure-ad?tab=runs');
  await expect(page.getByTestId('run-succeeded').first()).toBeVisible({ timeout: 30_000 });
  await shot(page, 'azure-sync-runs');
  await page.goto(`/hr/employees?q=${encodeURIComponent(mail('ann'))}`);
  await expect(page.getByRole('table')).toContainText('Azure');
  await page.goto(`/hr/employees?q=${encodeURIComponent(mail('ben'))}`);
  await expect(page.getByRole('table')).toHaveCount(0); // no rule covers Ben: not created

  // A change in Azure AD: picked up by the scheduled sync (10 s interval), no button pressed.
  await graph.upsertUser(tenantId, { id: ann, givenName: 'Ann', surname: 'Renamed', userPrincipalName: `ann@${domain}`, mail: mail('ann'), jobTitle: 'Dispatcher', accountEnabled: true });
  await expect(async () => {
    await page.goto(`/hr/employees?q=${encodeURIComponent(mail('ann'))}`);
    await expect(page.getByRole('table')).toContainText('Renamed', { timeout: 1000 });
  }).toPass({ timeout: 45_000 });

  // Runs on the 10 s interval that changed nobody fold into one row.
  await page.goto('/admin/azure-ad?tab=runs');
  await expect(page.getByTestId('runs-idle').filter({ hasText: domain }).first()).toContainText(/runs? without changes/, { timeout: 45_000 });

  // Sync now: Ben joins the group and appears without waiting for the interval.
  await graph.addMember(tenantId, group, ben);
  await page.goto('/admin/azure-ad');
  await page.getByRole('button', { name: `Sync ${domain}` }).click();
  await expect(page.getByRole('status')).toContainText('Sync queued');
  await shot(page, 'azure-connections');
  await expect(async () => {
    await page.goto(`/hr/employees?q=${encodeURIComponent(mail('ben'))}`);
    await expect(page.getByRole('table')).toContainText('Nogroup', { timeout: 1000 });
  }).toPass({ timeout: 30_000 });

  // Each run's events are in the Provisioning Log.
  await page.goto('/admin/azure-ad?tab=runs');
  const ours = page.getByRole('row').filter({ hasText: domain });
  await expect(ours.filter({ hasText: 'Failed' })).toHaveCount(0);
  const firstRun = ours.filter({ has: page.locator('[data-count="created"]', { hasText: /^1$/ }) }).last();
  await firstRun.getByRole('link', { name: 'Events' }).click();
  await expect(page.getByRole('table', { name: 'Provisioning events' })).toContainText(mail('ann'));
});

test('Connect shows a wrong Application Key in words, and the form checks its fields', async ({ page }) => {
  const { domain } = await newTenant('fabrikam');
  await signIn(page, DEMO.acmeAdmin);
  await page.goto('/admin/azure-ad');
  await page.getByRole('button', { name: 'Add connection' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add connection' });
  await dialog.getByLabel('Tenant Domain Name').fill('not a domain');
  await dialog.getByLabel('Application ID').fill('1234');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('Enter a domain like contoso.onmicrosoft.com or a tenant id (a GUID).')).toBeVisible();
  await expect(dialog.getByText('The Application ID is a GUID', { exact: false })).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await addConnection(page, { tenant: domain, key: 'the-secret-id-not-its-value' });
  await page.getByRole('button', { name: `Connect ${domain}` }).click();
  await expect(page).toHaveURL(/connect=failed/);
  await expect(page.getByRole('alert').filter({ hasText: 'AADSTS7000215' })).toBeVisible();
  await expect(page.getByTestId(`status-${domain}`)).toContainText('Application Key is wrong');

  // Delete asks twice; Cancel keeps the connection, Confirm delete removes it.
  await page.getByRole('button', { name: `Delete ${domain}` }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId(`status-${domain}`)).toBeVisible();
  await page.getByRole('button', { name: `Delete ${domain}` }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(page.getByTestId(`status-${domain}`)).toHaveCount(0);
});

test('a technician cannot open Azure AD Sync', async ({ page }) => {
  await signIn(page, DEMO.acmeTech);
  const res = await page.goto('/admin/azure-ad');
  expect(res?.status()).toBe(403);
});

test('inside the running server, Graph throttling is waited out: 429 with Retry-After, then 503, then 504, and the run finishes', async ({ page }) => {
  test.setTimeout(120_000);
  const { graph, tenantId, domain } = await newTenant('throttled');
  const group = randomUUID();
  const kim = randomUUID();
  const mail = `kim.${tenantId.slice(0, 8)}@throttled.example`;
  await graph.addGroup(tenantId, { id: group, displayName: 'Staff' });
  await graph.upsertUser(tenantId, { id: kim, givenName: 'Kim', surname: 'Throttled', userPrincipalName: `kim@${domain}`, mail, accountEnabled: true });
  await graph.addMember(tenantId, group, kim);

  await signIn(page, DEMO.acmeAdmin);
  await addTechnicianRule(page, domain, group);

  // Throttled from the very first delta read: the worker in the Next server must wait and retry.
  await graph.fault(tenantId, { route: 'delta', status: 429, retryAfter: '1' });
  await graph.fault(tenantId, { route: 'delta', status: 503 });
  await graph.fault(tenantId, { route: 'delta', status: 504, retryAfter: '0.5' });
  await graph.clearRequests();
  await addConnection(page, { tenant: domain, key: SECRET, interval: '3600' });
  await page.getByRole('button', { name: `Connect ${domain}` }).click();
  await expect(page.getByTestId(`status-${domain}`)).toContainText('Connected');

  await page.goto('/admin/azure-ad?tab=runs');
  await expect(page.getByTestId('run-succeeded').filter({ hasText: domain })).toHaveCount(1, { timeout: 60_000 });
  // The fake's request log is shared with specs running alongside; the faults were this tenant's, in this order.
  const deltas = (await graph.requests()).filter((r) => r.path.endsWith('/users/delta')).map((r) => r.status);
  const faults = deltas.filter((s) => s !== 200);
  expect(faults.slice(0, 3)).toEqual([429, 503, 504]);
  expect(deltas.lastIndexOf(200)).toBeGreaterThan(deltas.indexOf(504));
  await page.goto(`/hr/employees?q=${encodeURIComponent(mail)}`);
  await expect(page.getByRole('table')).toContainText('Throttled');
});

test('switching the email source re-evaluates at once: a user skipped for a missing email appears, named in the log before and synced after', async ({ page }) => {
  test.setTimeout(120_000);
  const { graph, tenantId, domain } = await newTenant('emailsource');
  const group = randomUUID();
  const [uma, vic] = [randomUUID(), randomUUID()];
  await graph.addGroup(tenantId, { id: group, displayName: 'Staff' });
  await graph.upsertUser(tenantId, { id: uma, displayName: 'Uma Upn-only', givenName: 'Uma', surname: 'Upnonly', userPrincipalName: `uma@${domain}`, mail: null, accountEnabled: true });
  await graph.upsertUser(tenantId, { id: vic, givenName: 'Vic', surname: 'Mailed', userPrincipalName: `vic@${domain}`, mail: `vic.${tenantId.slice(0, 8)}@emailsource.example`, businessPhones: ['+1 555 0150'], accountEnabled: true });
  for (const u of [uma, vic]) await graph.addMember(tenantId, group, u);

  await signIn(page, DEMO.acmeAdmin);
  await addTechnicianRule(page, domain, group);
  await addConnection(page, { tenant: domain, key: SECRET, interval: '3600' });
  await page.getByRole('button', { name: `Connect ${domain}` }).click();
  await expect(page.getByTestId(`status-${domain}`)).toContainText('Connected');

  await page.goto('/admin/azure-ad?tab=runs');
  const firstRun = page.getByTestId('run-succeeded').filter({ hasText: domain });
  await expect(firstRun).toHaveCount(1, { timeout: 60_000 });
  // The skipped user is named the way Azure AD names them, in sync wording.
  await firstRun.getByRole('link', { name: 'Events' }).click();
  const skipped = page.getByRole('row').filter({ hasText: 'missing_email' });
  await expect(skipped).toContainText('Uma Upn-only');
  await expect(skipped).toContainText(`uma@${domain}`);
  await expect(skipped).toContainText(uma);
  await expect(skipped).toContainText('Azure AD user has no email in the chosen source');

  // The person page says where Vic comes from and what kind of phone he has.
  await page.goto(`/hr/employees?q=vic.${tenantId.slice(0, 8)}`);
  await page.getByRole('link', { name: /Vic Mailed/ }).click();
  await expect(page.getByText('Azure AD (synced)')).toBeVisible();
  await expect(page.getByText('+1 555 0150 (Office)')).toBeVisible();

  await page.goto('/admin/azure-ad');
  await page.getByRole('button', { name: `Edit ${domain}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit connection' });
  await expect(dialog.getByText('Changing it re-evaluates every synced user at once')).toBeVisible();
  await dialog.getByLabel('Email source').selectOption({ label: 'Microsoft Account Email (userPrincipalName)' });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('Connection saved');

  await page.goto('/admin/azure-ad?tab=runs');
  const settingsRun = page.getByTestId('run-succeeded').filter({ hasText: domain }).filter({ hasText: 'Re-evaluated after a settings change' });
  await expect(settingsRun).toHaveCount(1, { timeout: 60_000 });
  await expect(settingsRun).toContainText('The email source changed to Microsoft Account Email.');
  await page.goto(`/hr/employees?q=${encodeURIComponent(`uma@${domain}`)}`);
  await expect(page.getByRole('table')).toContainText('Upnonly');
});
