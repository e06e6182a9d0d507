// npm run bench:login [N] — SAML logins at HTTP level (no browser) against the built app
// on a throwaway embedded database, with the real test IdP (samlify) in this process:
//   bare   : Jackson's round trip authorize → IdP → ACS → token → userinfo
//   create : the app's login (/api/sso/start → … → next-auth callback) creating a person
//   update : the same for an existing person whose last name changed
// then 200 distinct first logins at once. Writes bench-results/login.json.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { startSamlIdp, type SamlIdp } from '../e2e/idp/saml-idp';
import { freePort } from '../lib/db/embedded';
import { SSO_PRODUCTS } from '../lib/sso/jackson';
import { percentile, startApp } from './lib/app-process';

const ROOT = path.resolve(import.meta.dirname, '..');
const N = Number(process.argv[2] ?? 60);
const CONCURRENT = 200;

/** A cookie jar for one simulated browser (the app's origin only). */
class Browser {
  private cookies = new Map<string, string>();
  constructor(private appOrigin: string) {}
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (url.startsWith(this.appOrigin) && this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    if (url.startsWith(this.appOrigin)) {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const eq = pair!.indexOf('=');
        this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
    }
    return res;
  }
  has(name: string) {
    return [...this.cookies.keys()].some((k) => k.includes(name));
  }
}

function hidden(html: string, name: string): string {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!m) throw new Error(`no ${name} in page`);
  return m[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x2B;|&#43;/g, '+').replace(/&#x3D;|&#61;/g, '=').replace(/&#x2F;|&#47;/g, '/');
}

function location(res: Response): string {
  const loc = res.headers.get('location');
  if (!loc) throw new Error(`expected a redirect, got ${res.status}`);
  return loc;
}

/** The IdP leg: its login page, then the signed response posted to the ACS. Returns where the ACS redirects. */
async function throughIdp(browser: Browser, idpUrl: string, appUrl: string, email: string, lastName: string): Promise<string> {
  const page = await (await browser.fetch(idpUrl)).text();
  const form = new URLSearchParams({
    requestId: hidden(page, 'requestId'),
    acsUrl: hidden(page, 'acsUrl'),
    audience: hidden(page, 'audience'),
    relayState: hidden(page, 'relayState'),
    nameId: email,
    email,
    firstName: 'Bench',
    lastName,
    groups: 'Technicians',
  });
  const posted = await (await browser.fetch(new URL('/sso/login', idpUrl).toString(), { method: 'POST', body: form })).text();
  const acs = await browser.fetch(`${appUrl}/api/oauth/saml`, {
    method: 'POST',
    body: new URLSearchParams({ SAMLResponse: hidden(posted, 'SAMLResponse'), RelayState: hidden(posted, 'RelayState') }),
  });
  return location(acs);
}

async function bareLogin(appUrl: string, tenant: string, email: string) {
  const browser = new Browser(appUrl);
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = `${appUrl}/bench/callback`;
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: 'dummy',
    tenant,
    product: SSO_PRODUCTS.sso,
    redirect_uri: redirectUri,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const idpUrl = location(await browser.fetch(`${appUrl}/api/oauth/authorize?${q}`));
  const back = new URL(await throughIdp(browser, idpUrl, appUrl, email, 'Bare'));
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code: ${back}`);
  const token = (await (
    await fetch(`${appUrl}/api/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }) })
  ).json()) as { access_token?: string };
  if (!token.access_token) throw new Error(`no token: ${JSON.stringify(token)}`);
  const profile = (await (await fetch(`${appUrl}/api/oauth/userinfo`, { headers: { authorization: `Bearer ${token.access_token}` } })).json()) as { email?: string };
  if (profile.email !== email) throw new Error(`userinfo for ${profile.email}`);
}

/** p50 per step of the app's login, to show where time goes. */
const phases: Record<string, number[]> = {};
function mark(name: string, since: number) {
  (phases[name] ??= []).push(performance.now() - since);
  return performance.now();
}

async function appLogin(appUrl: string, email: string, lastName: string) {
  const browser = new Browser(appUrl);
  let t = performance.now();
  const start = await browser.fetch(`${appUrl}/api/sso/start`, { method: 'POST', body: new URLSearchParams({ kind: 'sso', email }) });
  t = mark('start', t);
  const authorize = await browser.fetch(location(start));
  t = mark('authorize', t);
  const callback = await throughIdp(browser, location(authorize), appUrl, email, lastName);
  t = mark('idp+acs', t);
  const done = await browser.fetch(callback);
  mark('callback', t);
  const to = location(done);
  if (!browser.has('session-token') || to.includes('/auth/')) throw new Error(`login not completed: ${done.status} → ${to}`);
}

const round = (x: number) => Math.round(x * 10) / 10;

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ap-bench-login-'));
  fs.chmodSync(dataDir, 0o755);
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--build-only'], { cwd: ROOT, stdio: 'inherit' });
  const port = await freePort();
  const app = await startApp({ dataDir, port, ephemeral: true });
  let idp: SamlIdp | undefined;
  const { url: dbUrl } = JSON.parse(fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8')) as { url: string };
  const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
  try {
    idp = await startSamlIdp();
    fs.writeFileSync(path.join(dataDir, 'idp.xml'), idp.metadataXml);
    execFileSync(process.execPath, ['--no-deprecation', '--import', 'tsx', 'scripts/sso.ts', 'add', '--org', 'acme', '--metadata', path.join(dataDir, 'idp.xml')], {
      cwd: ROOT,
      env: { ...process.env, APP_DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '', AUTH_SECRET: '', ENCRYPTION_KEY: '' },
      stdio: 'inherit',
    });
    const [acme] = await sql`select id from organizations where slug = 'acme'`;
    const [role] = await sql`select id from security_roles where organization_id = ${acme!.id} and name = 'Technician'`;
    await sql`update provisioning_settings set method = 'sso_jit' where organization_id = ${acme!.id}`;
    await sql`insert into mapping_rules (organization_id, kind, security_group, user_type, security_role_id, position) values (${acme!.id}, 'sso', 'Technicians', 'employee', ${role!.id}, 10)`;

    const run = Date.now().toString(36);
    const email = (kind: string, i: number) => `bench.${kind}.${run}.${i}@acme.example`;
    // Warm-up: compile routes, fill pools, start Jackson.
    for (let i = 0; i < 5; i++) {
      await bareLogin(app.url, acme!.id, email('warm-bare', i));
      await appLogin(app.url, email('warm', i), 'Warm');
    }
    // Interleave the three kinds in rounds so drift on a busy machine affects them alike.
    const samples = { bare: [] as number[], create: [] as number[], update: [] as number[] };
    const t = { bare: 0, create: 0, update: 0 };
    for (let i = 0; i < N; i++) {
      for (const [kind, fn] of [
        ['bare', () => bareLogin(app.url, acme!.id, email('bare', i))],
        ['create', () => appLogin(app.url, email('user', i), 'First')],
        ['update', () => appLogin(app.url, email('user', i), 'Second')],
      ] as const) {
        const s = performance.now();
        await fn();
        const d = performance.now() - s;
        samples[kind].push(d);
        t[kind] += d;
      }
    }
    const summary = (kind: keyof typeof samples) => ({
      p50Ms: round(percentile(samples[kind], 50)),
      p95Ms: round(percentile(samples[kind], 95)),
      perSec: round((N * 1000) / t[kind]),
    });
    const result = {
      n: N,
      bare: summary('bare'),
      create: summary('create'),
      update: summary('update'),
      ratioCreateToBare: 0,
      ratioUpdateToBare: 0,
      concurrent: { attempted: CONCURRENT, created: 0, errors: 0, wallMs: 0 },
    };
    result.ratioCreateToBare = Number((result.create.p50Ms / result.bare.p50Ms).toFixed(2));
    result.ratioUpdateToBare = Number((result.update.p50Ms / result.bare.p50Ms).toFixed(2));
    for (const k of ['bare', 'create', 'update'] as const) console.log(`${k.padEnd(7)} n=${N} p50 ${result[k].p50Ms} ms  p95 ${result[k].p95Ms} ms  ${result[k].perSec}/s`);

    console.log(`app login steps, p50 ms: ${Object.entries(phases).map(([k, v]) => `${k} ${round(percentile(v, 50))}`).join(', ')}`);
    const c0 = performance.now();
    const outcomes = await Promise.allSettled(Array.from({ length: CONCURRENT }, (_, i) => appLogin(app.url, email('burst', i), 'Burst')));
    result.concurrent.wallMs = Math.round(performance.now() - c0);
    result.concurrent.errors = outcomes.filter((o) => o.status === 'rejected').length;
    const firstError = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult | undefined;
    if (firstError) console.log(`first concurrent error: ${firstError.reason}`);
    const [{ n }] = (await sql`select count(*)::int as n from people where email like ${`bench.burst.${run}.%`}`) as unknown as [{ n: number }];
    result.concurrent.created = n;
    console.log(`burst   ${CONCURRENT} at once: ${n} created, ${result.concurrent.errors} errors, ${result.concurrent.wallMs} ms`);
    console.log(`create/bare p50 ratio ${result.ratioCreateToBare} (target ≤ 1.3)`);

    fs.mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'bench-results', 'login.json'), JSON.stringify(result, null, 2) + '\n');
  } finally {
    await sql.end();
    await idp?.close();
    await app.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
