import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { getEnv } from '@/lib/env';

// The one guard for outbound requests to URLs a tenant (or an assertion) supplies: SAML
// metadata, OIDC discovery and the endpoints it names. https only unless the operator
// allowlisted the origin (OUTBOUND_ALLOWED_ORIGINS); the name is resolved here and the
// connection goes to the address that was checked, so a DNS answer that changes between
// check and connect (rebinding) cannot reach an internal address.

export type OutboundReason = 'bad_url' | 'not_https' | 'address_not_allowed' | 'unresolvable' | 'timeout' | 'too_large' | 'redirect' | 'http_status' | 'unreachable';

export class OutboundError extends Error {
  constructor(
    readonly reason: OutboundReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'OutboundError';
  }
}

/** What an admin reads after "could not be fetched:". Never a socket's or parser's own words. */
export const OUTBOUND_REASON_TEXT: Record<OutboundReason, string> = {
  bad_url: 'not a valid URL',
  not_https: 'only https URLs are allowed',
  address_not_allowed: 'address not allowed',
  unresolvable: 'the host name could not be resolved',
  timeout: 'timed out',
  too_large: 'the response is too large',
  redirect: 'it redirects too often or to a URL that is not allowed',
  http_status: 'the server answered with an error',
  unreachable: 'the server could not be reached',
};

export const OUTBOUND_LIMITS = { connectMs: 5_000, totalMs: 10_000, maxBytes: 4_000_000, maxRedirects: 3 };

// ---- address classes -------------------------------------------------------------------

const RANGES: [cidr: string, family: 'ipv4' | 'ipv6', kind: string][] = [
  ['0.0.0.0/8', 'ipv4', 'unspecified'],
  ['10.0.0.0/8', 'ipv4', 'private'],
  ['100.64.0.0/10', 'ipv4', 'cgnat'],
  ['127.0.0.0/8', 'ipv4', 'loopback'],
  ['169.254.0.0/16', 'ipv4', 'link-local'],
  ['172.16.0.0/12', 'ipv4', 'private'],
  ['192.0.0.0/24', 'ipv4', 'reserved'],
  ['192.0.2.0/24', 'ipv4', 'reserved'],
  ['192.88.99.0/24', 'ipv4', 'reserved'],
  ['192.168.0.0/16', 'ipv4', 'private'],
  ['198.18.0.0/15', 'ipv4', 'reserved'],
  ['198.51.100.0/24', 'ipv4', 'reserved'],
  ['203.0.113.0/24', 'ipv4', 'reserved'],
  ['224.0.0.0/4', 'ipv4', 'multicast'],
  ['240.0.0.0/4', 'ipv4', 'reserved'],
  ['::/128', 'ipv6', 'unspecified'],
  ['::1/128', 'ipv6', 'loopback'],
  ['::ffff:0:0/96', 'ipv6', 'ipv4-mapped'],
  ['::/96', 'ipv6', 'ipv4-compatible'],
  ['64:ff9b::/96', 'ipv6', 'nat64'],
  ['64:ff9b:1::/48', 'ipv6', 'nat64'],
  ['100::/64', 'ipv6', 'reserved'],
  ['2001::/23', 'ipv6', 'reserved'],
  ['2001:db8::/32', 'ipv6', 'reserved'],
  ['2002::/16', 'ipv6', '6to4'],
  ['fc00::/7', 'ipv6', 'private'],
  ['fe80::/10', 'ipv6', 'link-local'],
  ['fec0::/10', 'ipv6', 'private'],
  ['ff00::/8', 'ipv6', 'multicast'],
];

const blockLists = RANGES.map(([cidr, family, kind]) => {
  const [net, prefix] = cidr.split('/');
  const list = new BlockList();
  list.addSubnet(net!, Number(prefix), family);
  return { family, kind, list };
});

/** 'public', or why the address must not be reached (loopback, private, link-local, cgnat…). */
export function addressClass(ip: string): string {
  const bare = ip.replace(/^\[|\]$/g, '');
  const version = isIP(bare);
  if (version === 0) return 'invalid';
  const family = version === 4 ? 'ipv4' : 'ipv6';
  // Longest list first is unnecessary: any match refuses, the first named is reported.
  for (const b of blockLists) if (b.family === family && b.list.check(bare, family)) return b.kind;
  // BlockList folds some IPv4-mapped forms into IPv4 rules; refuse every mapped form by its text too.
  if (family === 'ipv6' && /^::ffff:/i.test(bare)) return 'ipv4-mapped';
  return 'public';
}

// ---- URL policy --------------------------------------------------------------------------

function defaultPort(protocol: string) {
  return protocol === 'https:' ? '443' : '80';
}

/** True when the operator allowlisted this URL's origin (scheme, host and port). */
export function isAllowlisted(url: URL, allowed: string[] = getEnv().OUTBOUND_ALLOWED_ORIGINS): boolean {
  const port = url.port || defaultPort(url.protocol);
  return allowed.some((entry) => {
    const m = /^(https?:)\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+|\*))?$/i.exec(entry);
    if (!m) return false;
    const [, scheme, host, entryPort] = m;
    return scheme!.toLowerCase() === url.protocol && host!.toLowerCase() === url.hostname.toLowerCase() && (entryPort === '*' || (entryPort ?? defaultPort(scheme!.toLowerCase())) === port);
  });
}

/** Checks what can be checked without the network: scheme, credentials, literal addresses. */
export function checkUrl(raw: string | URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundError('bad_url', String(raw).slice(0, 200));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundError('bad_url', url.protocol);
  if (url.username || url.password) throw new OutboundError('bad_url', 'credentials in the URL');
  if (isAllowlisted(url)) return url;
  if (url.protocol !== 'https:') throw new OutboundError('not_https', url.origin);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && addressClass(host) !== 'public') throw new OutboundError('address_not_allowed', `${host} is ${addressClass(host)}`);
  return url;
}

export type Resolver = (hostname: string) => Promise<string[]>;
const systemResolver: Resolver = async (hostname) => (await dns.lookup(hostname, { all: true, verbatim: false })).map((a) => a.address);

/**
 * The address to connect to for this host: every address the name resolves to must be
 * public (unless the origin is allowlisted), and the connection then uses this exact one.
 */
export async function resolveAllowed(protocol: string, hostname: string, port: string | number, resolve: Resolver = systemResolver): Promise<string> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const allowlisted = isAllowlisted(new URL(`${protocol}//${isIP(host) === 6 ? `[${host}]` : host}:${port || defaultPort(protocol)}`));
  if (!allowlisted && protocol !== 'https:') throw new OutboundError('not_https', host);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new OutboundError('unresolvable', host);
    }
  }
  if (addresses.length === 0) throw new OutboundError('unresolvable', host);
  if (!allowlisted) {
    for (const a of addresses) {
      const kind = addressClass(a);
      if (kind !== 'public') throw new OutboundError('address_not_allowed', `${host} resolves to ${a} (${kind})`);
    }
  }
  return addresses[0]!;
}

// ---- undici: our own fetches -----------------------------------------------------------

/** An undici dispatcher whose every connection goes through resolveAllowed. */
export function guardedDispatcher(resolve: Resolver = systemResolver): Agent {
  const connect = buildConnector({ timeout: OUTBOUND_LIMITS.connectMs });
  return new Agent({
    headersTimeout: OUTBOUND_LIMITS.totalMs,
    bodyTimeout: OUTBOUND_LIMITS.totalMs,
    connect: (opts, callback) => {
      resolveAllowed(opts.protocol, opts.hostname, opts.port, resolve).then(
        (ip) => connect({ ...opts, hostname: ip, servername: opts.servername || (isIP(opts.hostname) ? undefined : opts.hostname) } as typeof opts, callback),
        (err: Error) => callback(err, null),
      );
    },
  });
}

let dispatcher: Agent | undefined;

export type FetchedText = { url: string; contentType: string; text: string };

/**
 * GET a tenant-supplied URL through the guard: each redirect hop re-checked (at most
 * three), a deadline for the whole exchange, and a byte cap on the body.
 */
export async function fetchGuarded(raw: string, opts: { accept?: string; maxBytes?: number; timeoutMs?: number; dispatcher?: Agent } = {}): Promise<FetchedText> {
  const maxBytes = opts.maxBytes ?? OUTBOUND_LIMITS.maxBytes;
  const signal = AbortSignal.timeout(opts.timeoutMs ?? OUTBOUND_LIMITS.totalMs);
  const via = opts.dispatcher ?? (dispatcher ??= guardedDispatcher());
  let url = checkUrl(raw);
  try {
    for (let hop = 0; ; hop++) {
      const res = await undiciFetch(url, { redirect: 'manual', signal, dispatcher: via, headers: opts.accept ? { accept: opts.accept } : {} });
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel();
        if (hop >= OUTBOUND_LIMITS.maxRedirects) throw new OutboundError('redirect', 'too many redirects');
        try {
          url = checkUrl(new URL(res.headers.get('location')!, url));
        } catch (err) {
          throw new OutboundError('redirect', (err as Error).message);
        }
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new OutboundError('http_status', String(res.status));
      }
      const declared = Number(res.headers.get('content-length') ?? 0);
      if (declared > maxBytes) {
        await res.body?.cancel();
        throw new OutboundError('too_large', `${declared} bytes`);
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of res.body ?? []) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new OutboundError('too_large', `more than ${maxBytes} bytes`);
        chunks.push(chunk);
      }
      return { url: url.toString(), contentType: res.headers.get('content-type') ?? '', text: Buffer.concat(chunks).toString('utf8') };
    }
  } catch (err) {
    throw toOutboundError(err, signal);
  }
}

function toOutboundError(err: unknown, signal?: AbortSignal): OutboundError {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundError) return e;
  }
  const name = (err as { name?: string; cause?: { code?: string; name?: string } })?.name;
  const code = (err as { cause?: { code?: string } })?.cause?.code ?? (err as { code?: string })?.code;
  if (signal?.aborted || name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new OutboundError('timeout', 'deadline passed');
  }
  return new OutboundError('unreachable', code ?? name ?? 'error');
}

// ---- node:http(s) global agents: what Jackson's OIDC client uses ------------------------

/**
 * Node http(s) agents for requests made by libraries we do not call ourselves: SAML
 * Jackson's OIDC client (openid-client over http.request, without an agent of its own)
 * fetches the discovery document, token endpoint and JWKS through the global agents.
 * Each connection is resolved and checked like ours, with the same deadline and byte cap.
 */
function guardedNodeAgent<T extends typeof http.Agent | typeof https.Agent>(Base: T, protocol: 'http:' | 'https:', resolve: Resolver) {
  const base = Base as unknown as typeof http.Agent;
  class Guarded extends base {
    createConnection(options: http.ClientRequestArgs & { servername?: string }, callback?: (err: Error | null, stream: Duplex) => void): undefined {
      const done = callback ?? (() => {});
      const host = options.host ?? options.hostname ?? 'localhost';
      resolveAllowed(protocol, host, options.port ?? '', resolve).then(
        (ip) => {
          const servername = options.servername || (isIP(host.replace(/^\[|\]$/g, '')) ? undefined : host);
          const socket = super.createConnection({ ...options, host: ip, hostname: ip, servername } as http.ClientRequestArgs, () => {}) as unknown as Socket;
          let bytes = 0;
          socket.setTimeout(OUTBOUND_LIMITS.totalMs, () => socket.destroy(new OutboundError('timeout', host)));
          socket.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > OUTBOUND_LIMITS.maxBytes) socket.destroy(new OutboundError('too_large', host));
          });
          done(null, socket);
        },
        (err: Error) => done(err, undefined as unknown as Duplex),
      );
      return undefined;
    }
  }
  return new Guarded({ keepAlive: false });
}

const g = globalThis as unknown as { __outboundGuardInstalled?: boolean };

/**
 * Puts the guarded agents in place of Node's global ones, once per process. Called where
 * SAML Jackson starts, so nothing it fetches for a tenant escapes the guard.
 */
export function installNodeAgentGuard(resolve: Resolver = systemResolver) {
  if (g.__outboundGuardInstalled) return;
  http.globalAgent = guardedNodeAgent(http.Agent, 'http:', resolve) as http.Agent;
  https.globalAgent = guardedNodeAgent(https.Agent, 'https:', resolve) as https.Agent;
  g.__outboundGuardInstalled = true;
}

/** For the admin: "The metadata URL could not be fetched: address not allowed." */
export function describeOutboundError(what: string, err: unknown): string {
  const reason = err instanceof OutboundError ? err.reason : 'unreachable';
  return `The ${what} could not be fetched: ${OUTBOUND_REASON_TEXT[reason]}.`;
}
