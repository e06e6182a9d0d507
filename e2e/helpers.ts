import { expect, type Page } from '@playwright/test';

export const DEMO = {
  acmeAdmin: { email: 'root@acme.example', password: 'acme-demo-admin' },
  acmeTech: { email: 'tech@acme.example', password: 'acme-demo-tech' },
  globexAdmin: { email: 'root@globex.example', password: 'globex-demo-admin' },
} as const;

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('viewer')).toContainText(who.email);
}
