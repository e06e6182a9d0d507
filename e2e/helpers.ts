import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, type Locator, type Page } from '@playwright/test';

export const DEMO = {
  acmeAdmin: { email: 'root@acme.example', password: 'acme-demo-admin' },
  acmeTech: { email: 'tech@acme.example', password: 'acme-demo-tech' },
  globexAdmin: { email: 'root@globex.example', password: 'globex-demo-admin' },
} as const;

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('viewer')).toContainText(who.email);
}

export function e2eState(): import('./global-setup').E2eState {
  return JSON.parse(process.env.E2E_STATE!);
}

let seq = 0;
/** A fresh address per test, so specs never see each other's people. */
export function uniqueEmail(prefix: string, domain: string) {
  return `${prefix}.${Date.now().toString(36)}${process.pid}${++seq}@${domain}`;
}

export type IdpUser = { nameId?: string; email?: string; firstName?: string; lastName?: string; groups?: string[]; products?: string[]; partnerOrgId?: string };

/** Fills the test SAML IdP's login form and submits it. */
export async function signInAtSamlIdp(page: Page, user: IdpUser) {
  await expect(page.getByRole('heading', { name: 'Test IdP sign-in' })).toBeVisible();
  if (user.nameId) await page.getByLabel('Name ID').fill(user.nameId);
  if (user.email) await page.getByLabel('Email').fill(user.email);
  if (user.firstName) await page.getByLabel('First name').fill(user.firstName);
  if (user.lastName) await page.getByLabel('Last name').fill(user.lastName);
  if (user.groups) await page.getByLabel('Groups').fill(user.groups.join('\n'));
  if (user.products) await page.getByLabel('Products').fill(user.products.join('\n'));
  if (user.partnerOrgId) await page.getByLabel('Partner org ID').fill(user.partnerOrgId);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** From the app's login page through the IdP and back. */
export async function ssoLogin(page: Page, kind: 'sso' | 'kaseyaone', loginEmail: string, user: IdpUser) {
  await page.goto('/login');
  await page.getByLabel('Work email').fill(loginEmail);
  await page.getByRole('button', { name: kind === 'sso' ? 'Sign in with SSO' : 'Log in with KaseyaOne' }).click();
  await signInAtSamlIdp(page, user);
}

/** The IdP's side: SCIM over HTTP to the app, with the bearer token. */
export function scimScript(base: string, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/** The Employees list searched for this address, and its row. */
export async function employeeRow(page: Page, email: string) {
  await page.goto(`/hr/employees?q=${encodeURIComponent(email)}`);
  return page.getByRole('row', { name: new RegExp(email.replace(/[.+]/g, '\\$&')) });
}

/**
 * The operator's sso CLI against the e2e app's database, as global setup runs it. Not
 * blocking: the CLI fetches discovery documents from IdPs served by this very process.
 */
export async function ssoCli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--no-deprecation', '--import', 'tsx', 'scripts/sso.ts', ...args], {
    env: { ...process.env, APP_DATA_DIR: process.env.E2E_DATA_DIR!, PORT: process.env.E2E_PORT!, DATABASE_URL: '', AUTH_SECRET: '', ENCRYPTION_KEY: '', OUTBOUND_ALLOWED_ORIGINS: process.env.E2E_ALLOWED_ORIGINS! },
    encoding: 'utf8',
  });
  return stdout;
}

/**
 * An organization of the calling spec's own, with one local admin (password sign-in), so a
 * spec can turn on two-factor or change sign-in settings without touching the demo admins
 * other specs sign in as.
 */
export async function ownOrganizationWithAdmin(prefix: string): Promise<{ slug: string; email: string; password: string }> {
  const { default: postgres } = await import('postgres');
  const { default: bcrypt } = await import('bcryptjs');
  const slug = `${prefix}-${Date.now().toString(36)}${process.pid}${++seq}`;
  const email = `admin@${slug}.example`;
  const password = 'own-admin-password-1';
  const sql = postgres(e2eState().databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [org] = await sql`insert into organizations (slug, name, verified_domains) values (${slug}, ${`Org ${slug}`}, ${[`${slug}.example`]}) returning id`;
    const [role] = await sql`insert into security_roles (organization_id, name, access_level, is_admin) values (${org!.id}, 'Administrator', 100, true) returning id`;
    await sql`insert into people (organization_id, type, email, first_name, last_name, password_hash, security_role_id)
      values (${org!.id}, 'employee', ${email}, 'Own', 'Admin', ${bcrypt.hashSync(password, 10)}, ${role!.id})`;
  } finally {
    await sql.end();
  }
  return { slug, email, password };
}

/** A new local admin (role Administrator) in an existing organization, for a spec that turns on their two-factor. */
export async function localAdmin(slug: string, prefix: string): Promise<{ email: string; password: string }> {
  const { default: postgres } = await import('postgres');
  const { default: bcrypt } = await import('bcryptjs');
  const email = uniqueEmail(prefix, `${slug}.example`);
  const password = 'own-admin-password-1';
  const sql = postgres(e2eState().databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`insert into people (organization_id, type, email, first_name, last_name, password_hash, security_role_id)
      select o.id, 'employee', ${email}, 'Settings', 'Admin', ${bcrypt.hashSync(password, 10)}, r.id
      from organizations o join security_roles r on r.organization_id = o.id and r.name = 'Administrator' where o.slug = ${slug}`;
  } finally {
    await sql.end();
  }
  return { email, password };
}

/** The code an authenticator app shows `stepsAhead` time steps from now (otplib, like the app). */
export async function totpCode(secret: string, stepsAhead = 0): Promise<string> {
  const { generate } = await import('otplib');
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });
}

/**
 * Turns two-factor on for the signed-in person the way they would: the setup page, the key
 * read off the page into "an authenticator app" (otplib here), a current code, and the
 * recovery codes shown once.
 */
export async function enrollTwoFactor(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.goto('/account/two-factor');
  // A setup started before (and not confirmed) shows its key again at once.
  const setup = page.getByRole('button', { name: 'Set up two-factor authentication' });
  const key = page.getByTestId('two-factor-key');
  await expect(setup.or(key)).toBeVisible();
  if (await setup.isVisible()) await setup.click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Turn on' })).toBeEnabled();
  const secret = (await page.getByTestId('two-factor-key').innerText()).replace(/\s/g, '');
  await page.getByLabel('Code from your app').fill(await totpCode(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const list = page.getByTestId('recovery-codes');
  await expect(list.getByRole('listitem')).toHaveCount(10);
  return { secret, recoveryCodes: await list.getByRole('listitem').allInnerTexts() };
}

/** Every CSP violation the page reports, from the console and from the DOM event (start before the first navigation). */
export async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|frame)/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  await page.exposeFunction('__reportCsp', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __reportCsp: (v: string) => void }).__reportCsp(`${location.href}: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return violations;
}

/** A modal dialog sits in the middle of the viewport (equal space left and right, and above and below unless it is taller). */
export async function expectCentered(page: Page, dialog: Locator) {
  await expect(dialog).toBeVisible();
  const box = (await dialog.boundingBox())!;
  const view = page.viewportSize()!;
  expect(Math.abs(box.x - (view.width - box.x - box.width))).toBeLessThanOrEqual(2);
  if (box.height < view.height) expect(Math.abs(box.y - (view.height - box.y - box.height))).toBeLessThanOrEqual(2);
}
