import { expect, test, type Page } from '@playwright/test';
import { e2eState, enrollTwoFactor, ownOrganizationWithAdmin, signIn, totpCode, watchCsp } from './helpers';

// Two-factor (TOTP) for local accounts, seed 002's prerequisite for KaseyaOne login. Each
// test signs in as the admin of an organization it creates, so no other spec's sign-in
// (the demo admins) ever meets a code step.

async function passwordOnly(page: Page, who: { email: string; password: string }) {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

test('enroll from the page, then sign in with a code and with a recovery code; wrong and reused codes are refused; the KaseyaOne switch waits for two-factor; running low, new recovery codes replace the old', async ({ page }) => {
  // Five sign-ins and a dozen pages: on a loaded 2-core machine this took over a minute.
  test.setTimeout(180_000);
  const admin = await ownOrganizationWithAdmin('tfa');
  const violations = await watchCsp(page);
  await signIn(page, admin);

  // Seed 002: "You should have implemented Two-Factor Authentication" before KaseyaOne login.
  await page.goto('/admin/kaseyaone-settings');
  const k1Switch = page.getByRole('switch', { name: 'Enable Log In With KaseyaOne' });
  await expect(page.getByRole('button', { name: 'Save' })).toBeEnabled(); // hydrated
  await expect(k1Switch).toBeDisabled();
  const why = page.getByTestId('k1-needs-two-factor');
  await expect(why).toContainText('Only an administrator with two-factor authentication on can enable Log In With KaseyaOne');
  await why.getByRole('link', { name: 'Set up two-factor authentication' }).click();
  await expect(page).toHaveURL(/\/account\/two-factor$/);
  await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();

  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
  await expect(qr).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  // Reloading keeps the same key until it is confirmed.
  const shownKey = await page.getByTestId('two-factor-key').innerText();
  await page.reload();
  await expect(page.getByTestId('two-factor-key')).toHaveText(shownKey);
  await page.getByLabel('Code from your app').fill('123456');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByText('That code does not match.', { exact: false })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();

  const { secret, recoveryCodes } = await enrollTwoFactor(page);
  expect(violations).toEqual([]);
  expect(recoveryCodes.every((c) => /^[a-z2-9]{5}-[a-z2-9]{5}$/.test(c))).toBe(true);
  await page.getByRole('link', { name: 'I saved them — continue' }).click();
  await page.goto('/account/two-factor');
  await expect(page.getByTestId('two-factor-status')).toContainText('Two-factor authentication is on');
  await expect(page.getByTestId('two-factor-status')).toContainText('10 of 10 recovery codes left');

  // Now the switch works, and the server takes it.
  await page.goto('/admin/kaseyaone-settings');
  await expect(page.getByRole('button', { name: 'Save' })).toBeEnabled();
  await expect(k1Switch).toBeEnabled();
  await expect(why).toHaveCount(0);
  await page.getByLabel('KaseyaOne partner organization ID').fill(`k1-${admin.slug}`);
  await k1Switch.check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Settings saved.');
  await signOut(page);

  // The password alone gives no session: a second step asks for the code.
  await passwordOnly(page, admin);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
  await expect(page.getByTestId('pending-email')).toContainText(admin.email);
  expect(await (await page.request.get('/api/auth/session')).json()).toBeNull();
  const code = page.getByLabel('Authentication code');
  await code.fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText('That code is not right. Enter the current 6-digit code from your authenticator app, or one of your recovery codes.')).toBeVisible();
  await expect(page.getByTestId('viewer')).toHaveCount(0);
  // The code used to turn two-factor on was spent; the app's next code (one step of drift allowed) signs in.
  await code.fill(await totpCode(secret, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('viewer')).toContainText(admin.email);
  await signOut(page);

  // A recovery code works once.
  await passwordOnly(page, admin);
  await page.getByLabel('Authentication code').fill(recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('viewer')).toContainText(admin.email);
  await signOut(page);
  await passwordOnly(page, admin);
  await page.getByLabel('Authentication code').fill(recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText(/^That code is not right\./)).toBeVisible();
  await page.getByLabel('Authentication code').fill(recoveryCodes[1]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('viewer')).toContainText(admin.email);

  // Scripts posting to the credentials callback get no session for a two-factor account either.
  const api = await page.context().browser()!.newContext({ baseURL: new URL(page.url()).origin });
  const { csrfToken } = (await (await api.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const posted = await api.request.post('/api/auth/callback/credentials', { form: { csrfToken, email: admin.email, password: admin.password }, maxRedirects: 0 });
  expect(posted.headers().location).toContain('code=two_factor');
  expect(await (await api.request.get('/api/auth/session')).json()).toBeNull();
  await api.close();

  // Turning it off takes the password and a code (here a recovery code).
  await page.goto('/account/two-factor');
  await expect(page.getByTestId('two-factor-status')).toContainText('8 of 10 recovery codes left');
  await expect(page.getByTestId('recovery-codes-low')).toHaveCount(0);
  // Down to three codes (the others spent in the database, as sign-ins would): the page says to make new ones.
  await keepOnlyRecoveryCodes(admin.email, recoveryCodes.slice(2, 5));
  await page.reload();
  await expect(page.getByTestId('two-factor-status')).toContainText('3 of 10 recovery codes left');
  await expect(page.getByTestId('recovery-codes-low')).toContainText('Only 3 recovery codes are left.');

  // New recovery codes take the password and a code (here recovery code 3); they are shown once and the earlier ones stop working.
  const renew = page.getByRole('form', { name: 'New recovery codes' });
  await renew.getByLabel('Password').fill(admin.password);
  await renew.getByLabel('Authentication code').fill('00000-00000');
  await renew.getByRole('button', { name: 'Make new recovery codes' }).click();
  await expect(renew.getByText(/^That code is not right\./)).toBeVisible();
  await renew.getByLabel('Authentication code').fill(recoveryCodes[2]!);
  await renew.getByRole('button', { name: 'Make new recovery codes' }).click();
  await expect(page.getByText('New recovery codes made. Your earlier codes no longer work.')).toBeVisible();
  const fresh = (await page.getByTestId('recovery-codes').getByRole('listitem').allTextContents()).map((c) => c.trim());
  expect(fresh).toHaveLength(10);
  expect(fresh.filter((c) => recoveryCodes.includes(c))).toEqual([]);
  await page.goto('/account/two-factor');
  await expect(page.getByTestId('two-factor-status')).toContainText('10 of 10 recovery codes left');

  const off = page.getByRole('form', { name: 'Turn off two-factor authentication' });
  await off.getByLabel('Password').fill('not-the-password');
  await off.getByLabel('Authentication code').fill(fresh[0]!);
  await off.getByRole('button', { name: 'Turn off two-factor' }).click();
  await expect(off.getByText('That password is not right.')).toBeVisible();
  // An earlier code no longer works; a new one does.
  await off.getByLabel('Password').fill(admin.password);
  await off.getByLabel('Authentication code').fill(recoveryCodes[3]!);
  await off.getByRole('button', { name: 'Turn off two-factor' }).click();
  await expect(off.getByText(/^That code is not right\./)).toBeVisible();
  await off.getByLabel('Authentication code').fill(fresh[0]!);
  await off.getByRole('button', { name: 'Turn off two-factor' }).click();
  await expect(page.getByRole('button', { name: 'Set up two-factor authentication' })).toBeVisible();
  await signOut(page);
  await signIn(page, admin);
});

test('"Require two-factor for administrators" sends an admin without it to the setup, and keeps them there until enrolled', async ({ page }) => {
  test.setTimeout(120_000);
  const admin = await ownOrganizationWithAdmin('tfreq');
  await signIn(page, admin);
  await page.goto('/admin/auth-provision');
  const require2fa = page.getByRole('switch', { name: 'Require two-factor for administrators' });
  await expect(require2fa).not.toBeChecked();
  await require2fa.check();
  await page.getByRole('button', { name: 'Save sign-in security' }).click();
  // Saved, and it applies at once to this admin too: the page refreshes into the setup.
  await expect(page).toHaveURL(/\/account\/two-factor$/);
  await expect(page.getByTestId('two-factor-required')).toBeVisible();

  // Every console page now sends this admin to the setup.
  for (const path of ['/admin/auth-provision', '/hr/employees', '/provisioning-log', '/']) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/account\/two-factor$/);
  }
  await expect(page.getByTestId('two-factor-required')).toContainText('Your organization requires two-factor authentication for administrators');
  await signOut(page);
  await signIn(page, admin);
  await expect(page).toHaveURL(/\/account\/two-factor$/);

  await enrollTwoFactor(page);
  await page.goto('/hr/employees');
  await expect(page).toHaveURL(/\/hr\/employees/);
  await expect(page.getByTestId('two-factor-required')).toHaveCount(0);
  // The setting change is in the log, with the form's label.
  await page.goto('/provisioning-log');
  await expect(page.getByText('Require two-factor for administrators').first()).toBeVisible();
});

/** Marks every unused recovery code of the account spent except `keep` (a fixture for "running low"). */
async function keepOnlyRecoveryCodes(email: string, keep: string[]) {
  const [{ default: postgres }, { default: bcrypt }] = await Promise.all([import('postgres'), import('bcryptjs')]);
  const sql = postgres(e2eState().databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ id: string; code_hash: string }[]>`
      select r.id, r.code_hash from recovery_codes r join people p on p.id = r.person_id where lower(p.email) = lower(${email}) and r.used_at is null`;
    const normalized = keep.map((c) => c.replace(/[\s-]/g, '').toLowerCase());
    for (const r of rows) {
      const kept = (await Promise.all(normalized.map((c) => bcrypt.compare(c, r.code_hash)))).some(Boolean);
      if (!kept) await sql`update recovery_codes set used_at = now() where id = ${r.id}`;
    }
  } finally {
    await sql.end();
  }
}
