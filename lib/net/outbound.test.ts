import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reloadEnv } from '../env';
import { addressClass, checkUrl, fetchGuarded, guardedDispatcher, installNodeAgentGuard, OutboundError, resolveAllowed, type Resolver } from './outbound';

// The outbound guard against real local HTTP servers: address classes, the allowlist, the
// resolver seam (a name resolves once and that address is the one connected to), redirects,
// size and time limits, and Node's global agents that SAML Jackson's OIDC client uses.

let server: http.Server;
let port = 0;
let hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.headers.host} ${req.url}`);
    if (req.url === '/hang') return; // never answers
    if (req.url === '/404') return res.writeHead(404).end('not here');
    if (req.url === '/big') return res.end('x'.repeat(5000));
    if (req.url?.startsWith('/to-internal')) return res.writeHead(302, { location: 'http://127.0.0.2:9/secret' }).end();
    if (req.url?.startsWith('/loop')) return res.writeHead(302, { location: '/loop' }).end();
    if (req.url?.startsWith('/hop')) return res.writeHead(302, { location: '/ok' }).end();
    res.end('hello');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  process.env.OUTBOUND_ALLOWED_ORIGINS = `http://127.0.0.1:${port},http://named.test:${port}`;
  reloadEnv();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  delete process.env.OUTBOUND_ALLOWED_ORIGINS;
  reloadEnv();
});

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof OutboundError) return err.reason;
    throw err;
  }
}

describe('address classes', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['224.0.0.251', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'ipv4-mapped'],
    ['::ffff:7f00:1', 'ipv4-mapped'],
    ['::ffff:8.8.8.8', 'ipv4-mapped'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'private'],
    ['ff02::1', 'multicast'],
    ['64:ff9b::a00:1', 'nat64'],
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
  ])('%s is %s', (ip, kind) => {
    expect(addressClass(ip)).toBe(kind);
  });
});

describe('URL policy', () => {
  it('wants https unless the origin is allowlisted, and refuses literal internal addresses', () => {
    expect(() => checkUrl('http://idp.example.com/metadata')).toThrow(/not_https/);
    expect(() => checkUrl('https://127.0.0.1/metadata')).toThrow(/address_not_allowed/);
    expect(() => checkUrl('https://[::ffff:127.0.0.1]/')).toThrow(/address_not_allowed/);
    expect(() => checkUrl('https://2130706433/')).toThrow(/address_not_allowed/); // 127.0.0.1 in decimal
    expect(() => checkUrl('https://user:pw@idp.example.com/')).toThrow(/bad_url/);
    expect(() => checkUrl('file:///etc/passwd')).toThrow(/bad_url/);
    expect(checkUrl('https://idp.example.com/metadata').host).toBe('idp.example.com');
    expect(checkUrl(`http://127.0.0.1:${port}/x`).port).toBe(String(port));
    // The allowlist names one port; the database's or any other stays refused.
    expect(() => checkUrl(`http://127.0.0.1:${port + 1}/x`)).toThrow(/not_https/);
  });

  it('checks every address a name resolves to', async () => {
    const resolver = (answers: string[]): Resolver => async () => answers;
    expect(await reason(resolveAllowed('https:', 'idp.example.com', 443, resolver(['93.184.216.34'])))).toBe('ok');
    expect(await reason(resolveAllowed('https:', 'idp.example.com', 443, resolver(['93.184.216.34', '10.0.0.5'])))).toBe('address_not_allowed');
    expect(await reason(resolveAllowed('https:', 'metadata.internal', 443, resolver(['169.254.169.254'])))).toBe('address_not_allowed');
    expect(await reason(resolveAllowed('https:', 'v6.internal', 443, resolver(['::ffff:10.0.0.1'])))).toBe('address_not_allowed');
    expect(await reason(resolveAllowed('https:', 'nowhere.invalid', 443, async () => Promise.reject(new Error('ENOTFOUND'))))).toBe('unresolvable');
  });
});

describe('fetchGuarded (undici with a checking connector)', () => {
  it('connects to the address the guard resolved, asking the resolver once (no rebinding gap)', async () => {
    let asked = 0;
    const resolver: Resolver = async (name) => {
      asked++;
      return name === 'named.test' ? ['127.0.0.1'] : [];
    };
    hits = [];
    const got = await fetchGuarded(`http://named.test:${port}/ok`, { dispatcher: guardedDispatcher(resolver) });
    expect(got.text).toBe('hello');
    expect(asked).toBe(1);
    expect(hits).toEqual([`named.test:${port} /ok`]);
  });

  it('never connects when the name resolves to an internal address', async () => {
    hits = [];
    const rebinding: Resolver = async () => ['127.0.0.1'];
    expect(await reason(fetchGuarded(`https://rebind.test:${port}/ok`, { dispatcher: guardedDispatcher(rebinding) }))).toBe('address_not_allowed');
    expect(hits).toEqual([]);
  });

  it('re-checks every redirect hop and stops loops', async () => {
    expect((await fetchGuarded(`http://127.0.0.1:${port}/hop`)).text).toBe('hello');
    hits = [];
    expect(await reason(fetchGuarded(`http://127.0.0.1:${port}/to-internal`))).toBe('redirect');
    expect(hits).toEqual([`127.0.0.1:${port} /to-internal`]);
    expect(await reason(fetchGuarded(`http://127.0.0.1:${port}/loop`))).toBe('redirect');
  });

  it('caps the body and the time, and refuses an error status', async () => {
    expect(await reason(fetchGuarded(`http://127.0.0.1:${port}/big`, { maxBytes: 1000 }))).toBe('too_large');
    expect(await reason(fetchGuarded(`http://127.0.0.1:${port}/hang`, { timeoutMs: 300 }))).toBe('timeout');
    expect(await reason(fetchGuarded(`http://127.0.0.1:${port}/404`))).toBe('http_status');
  });
});

describe("Node's global agents (SAML Jackson's OIDC client)", () => {
  const get = (url: string) =>
    new Promise<string>((resolve, reject) => {
      http.get(url, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });

  it('refuses what the guard refuses and lets allowlisted origins through', async () => {
    installNodeAgentGuard(async (name) => (name === 'named.test' ? ['127.0.0.1'] : ['10.1.1.1']));
    hits = [];
    expect(await get(`http://127.0.0.1:${port}/ok`)).toBe('hello');
    expect(await get(`http://named.test:${port}/ok`)).toBe('hello');
    await expect(get(`http://localhost:${port}/ok`)).rejects.toThrow(/not_https/);
    await expect(get(`http://127.0.0.1:${port + 1}/ok`)).rejects.toThrow(/not_https/);
    expect(hits).toEqual([`127.0.0.1:${port} /ok`, `named.test:${port} /ok`]);
  });
});
