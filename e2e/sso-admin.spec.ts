import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { DEMO, e2eState, signIn } from './helpers';
import { startSamlIdp } from './idp/saml-idp';

// Admins manage their organization's SSO connections on Auth & Provision.

test('the admin sees the SP details to copy and the connected IdP', async ({ page }) => {
  await signIn(page, DEMO.globexAdmin);
  await page.goto('/admin/auth-provision');
  await expect(page.getByLabel('Entity ID', { exact: true })).toHaveValue('urn:auth-provision:sp');
  await expect(page.getByLabel('ACS URL', { exact: true })).toHaveValue(`${e2eState().appUrl}/api/oauth/saml`);
  await expect(page.getByLabel('SP metadata URL', { exact: true })).toHaveValue(`${e2eState().appUrl}/api/sso/metadata`);
  const table = page.getByRole('table', { name: 'SSO connections' });
  await expect(table.getByRole('row', { name: /Sign in with SSO/ })).toContainText(/oidc/i);
  await page.screenshot({ path: 'test-results/screens/auth-provision.png', fullPage: true });
  const metadata = await page.request.get('/api/sso/metadata');
  expect(await metadata.text()).toContain('entityID="urn:auth-provision:sp"');
});

test('bad connection input gets field errors and adds nothing; a good one is added, audited and deleted', async ({ page }) => {
  await signIn(page, DEMO.globexAdmin);
  await page.goto('/admin/auth-provision');
  await page.getByLabel('Used for').selectOption('kaseyaone');
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByText('Give either the metadata XML or its URL.')).toBeVisible();
  await page.getByLabel('Metadata XML').fill('<html>not metadata</html>');
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByText('This is not SAML metadata: no EntityDescriptor element.')).toBeVisible();
  await page.getByLabel('Metadata XML').fill('');
  await page.getByLabel('or Metadata URL').fill('ftp://example.com/metadata');
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByText('Enter an http(s) URL.')).toBeVisible();
  const table = page.getByRole('table', { name: 'SSO connections' });
  await expect(table.getByRole('row', { name: /Log in with KaseyaOne/ })).toHaveCount(0);

  // An IdP already registered for another organization is refused, with Jackson's reason.
  await page.getByLabel('or Metadata URL').fill(`${e2eState().kaseyaOneOrigin}/metadata`);
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByTestId('connection-error')).toHaveText("The identity provider's metadata was not accepted: EntityID already exists for different tenant");

  // The one spare IdP port the app's outbound allowlist names (playwright.config.ts).
  const idp = await startSamlIdp({ port: Number(JSON.parse(process.env.E2E_IDP_PORTS!).spare) });
  try {
    await page.getByLabel('or Metadata URL').fill(idp.metadataUrl);
    await page.getByRole('button', { name: 'Add connection' }).click();
    await expect(page.getByRole('status')).toHaveText('Connection added. People can now sign in with it.');
  } finally {
    await idp.close();
  }
  await expect(table.getByRole('row', { name: /Log in with KaseyaOne/ })).toContainText(idp.entityId);

  await page.getByRole('button', { name: 'Delete the Log in with KaseyaOne connection' }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await expect(page.getByRole('status')).toHaveText('Connection deleted.');
  await expect(table.getByRole('row', { name: /Log in with KaseyaOne/ })).toHaveCount(0);

  const sql = postgres(e2eState().databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const events = await sql`select e.diff from provisioning_events e join organizations o on o.id = e.organization_id
      where o.slug = 'globex' and e.type = 'settings_changed' and e.detail->>'what' = 'sso_connection.kaseyaone' order by e.created_at`;
    expect(events.map((e) => Object.values(e.diff as Record<string, { after: unknown }>)[0]!.after)).toEqual([{ protocol: 'saml', idp: idp.entityId }, null]);
  } finally {
    await sql.end();
  }
});

test("another organization's connection answers 404", async ({ browser }) => {
  const [acmeConnection] = e2eState().acmeConnectionIds;
  const acme = await browser.newPage();
  await signIn(acme, DEMO.acmeAdmin);
  expect((await acme.goto(`/admin/auth-provision/connections/${acmeConnection}`))?.status()).toBe(200);
  await expect(acme.getByRole('heading', { name: 'SSO connection' })).toBeVisible();
  await acme.close();

  const globex = await browser.newPage();
  await signIn(globex, DEMO.globexAdmin);
  expect((await globex.goto(`/admin/auth-provision/connections/${acmeConnection}`))?.status()).toBe(404);
  await expect(globex.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await globex.close();
});
