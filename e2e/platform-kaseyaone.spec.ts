import { expect, test, type Page } from '@playwright/test';
import { DEMO, e2eState, signIn, signInAtSamlIdp, uniqueEmail } from './helpers';

// One KaseyaOne IdP process (one entity id) registered once for the platform; Umbra and
// Vortex (global setup) have no KaseyaOne connection of their own. Each partner's user
// lands in their own organization; a partner id no organization has is refused.

async function idpInitiated(page: Page) {
  const { platformKaseyaOneOrigin, appUrl } = e2eState();
  await page.goto(`${platformKaseyaOneOrigin}/idp-initiated?acs=${encodeURIComponent(`${appUrl}/api/oauth/saml`)}&audience=urn:auth-provision:sp`);
}

test('IdP-initiated from the KaseyaOne portal: each partner organization’s user lands in their own organization', async ({ browser }) => {
  for (const [partner, orgName, domain] of [['k1-partner-umbra', 'Umbra MSP', 'umbra.example'], ['k1-partner-vortex', 'Vortex IT', 'vortex.example']] as const) {
    const page = await browser.newPage();
    const email = uniqueEmail('portal', domain);
    await idpInitiated(page);
    await signInAtSamlIdp(page, { email, firstName: 'Portal', lastName: 'User', partnerOrgId: partner, products: ['psa'] });
    await expect(page.getByTestId('viewer')).toContainText(email);
    await expect(page.getByTestId('org-name')).toHaveText(orgName);
    await page.close();
  }
});

test('SP-initiated: "Log in with KaseyaOne" without an email goes to the platform IdP and back to the partner’s organization', async ({ page }) => {
  const email = uniqueEmail('sp', 'vortex.example');
  await page.goto('/login');
  await page.getByRole('button', { name: 'Log in with KaseyaOne' }).click();
  await signInAtSamlIdp(page, { email, firstName: 'Sam', lastName: 'Started', partnerOrgId: 'k1-partner-vortex' });
  await expect(page.getByTestId('viewer')).toContainText(email);
  await expect(page.getByTestId('org-name')).toHaveText('Vortex IT');
});

test('a partner organization no organization here has is refused with a page that says so', async ({ page }) => {
  await idpInitiated(page);
  await signInAtSamlIdp(page, { email: uniqueEmail('stranger', 'elsewhere.example'), partnerOrgId: 'k1-partner-nobody' });
  await expect(page).toHaveURL(/\/auth\/denied\?code=other_org/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account belongs to another organization');
  await expect(page.getByTestId('denial-why')).toContainText('No organization here is linked to your KaseyaOne partner organization');
});

test('KaseyaOne Settings shows the platform connection read-only with the SP details; an organization with its own connection is told it wins', async ({ page, browser }) => {
  await signIn(page, DEMO.globexAdmin);
  await page.goto('/admin/kaseyaone-settings');
  const card = page.getByRole('region', { name: 'KaseyaOne Unified Login connection' });
  await expect(card.getByTestId('k1-platform-status')).toContainText(`connected once for the whole platform (IdP ${e2eState().platformKaseyaOneOrigin}/metadata)`);
  await expect(card.getByRole('textbox', { name: 'ACS URL' })).toHaveValue(`${e2eState().appUrl}/api/oauth/saml`);
  await expect(card.getByRole('textbox')).toHaveCount(3);
  for (const box of await card.getByRole('textbox').all()) await expect(box).toHaveAttribute('readonly', '');

  const acme = await (await browser.newContext()).newPage();
  await signIn(acme, DEMO.acmeAdmin);
  await acme.goto('/admin/kaseyaone-settings');
  await expect(acme.getByTestId('k1-platform-status')).toHaveText('Your organization has its own KaseyaOne connection; logins started here use it.');
});
