import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

// The app runs built, on a throwaway embedded database; workers inherit the same folder.
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'ap-e2e-'));
const freePort = () => execFileSync(process.execPath, ['-e', "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"], { encoding: 'utf8' }).trim();
// A free port per run, so a developer's app or a parallel run never collides with it.
process.env.E2E_PORT ??= freePort();
const port = Number(process.env.E2E_PORT);
// The fake Microsoft identity platform + Graph (started by global setup) listens here; the app is pointed at it.
process.env.E2E_GRAPH_PORT ??= freePort();
const graphUrl = `http://127.0.0.1:${process.env.E2E_GRAPH_PORT}`;
// The test IdPs listen on loopback over http, which the outbound guard refuses unless the
// operator allowlists the origin: their ports are chosen here so exactly they are allowed.
process.env.E2E_IDP_PORTS ??= JSON.stringify({ sso: freePort(), kaseyaOne: freePort(), initrode: freePort(), oidc: freePort(), spare: freePort(), hostile: freePort() });
const idpPorts = JSON.parse(process.env.E2E_IDP_PORTS) as Record<'sso' | 'kaseyaOne' | 'initrode' | 'oidc' | 'spare' | 'hostile', string>;
process.env.E2E_ALLOWED_ORIGINS ??= [
  ...[idpPorts.sso, idpPorts.kaseyaOne, idpPorts.initrode, idpPorts.spare].map((p) => `http://127.0.0.1:${p}`),
  `http://localhost:${idpPorts.oidc}`,
  // An IdP that turns hostile after it was connected (e2e/security.spec.ts).
  `http://localhost:${idpPorts.hostile}`,
].join(',');

/** PLAYWRIGHT_CHROMIUM_EXECUTABLE, else Debian's chromium, else Playwright's own browser. */
function chromiumExecutable(): string | undefined {
  const fromEnv = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE;
  if (fromEnv) return fromEnv;
  return fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  workers: 2,
  // Some specs walk several IdP round trips; on a loaded 2-core machine 30 s was too tight.
  timeout: 60_000,
  // Each expectation waits for its condition; on a loaded 2-core machine a page can take longer than the default 5 s.
  expect: { timeout: 15_000 },
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: chromiumExecutable(),
          args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        },
      },
    },
  ],
  webServer: {
    command: 'node --no-deprecation --import tsx scripts/start.ts --ephemeral',
    url: `http://localhost:${port}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    env: {
      PORT: String(port),
      APP_DATA_DIR: process.env.E2E_DATA_DIR,
      DATABASE_URL: '',
      AUTH_SECRET: '',
      ENCRYPTION_KEY: '',
      NEXT_TELEMETRY_DISABLED: '1',
      AZURE_LOGIN_URL: graphUrl,
      AZURE_GRAPH_URL: graphUrl,
      OUTBOUND_ALLOWED_ORIGINS: process.env.E2E_ALLOWED_ORIGINS,
    },
  },
});
