import { isIP } from 'node:net';

// The client's address for throttling. Our own server (scripts/start.ts) writes it into
// CLIENT_IP_HEADER on every request, replacing whatever a client sent under that name;
// X-Forwarded-For counts only when TRUST_PROXY_HOPS says how many proxies append to it.

export const CLIENT_IP_HEADER = 'x-auth-provision-client-ip';

/** The socket's peer, or with N trusted proxies the Nth X-Forwarded-For entry from the right. */
export function clientIpOf(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  const peer = normalize(remoteAddress ?? '');
  if (trustedHops <= 0 || !forwardedFor) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map((h) => normalize(h.trim()));
  // The last entry was appended by the proxy nearest to us; a client can forge only those before its own proxy's.
  const candidate = hops[hops.length - trustedHops];
  return candidate && isIP(candidate) ? candidate : peer;
}

function normalize(ip: string): string {
  const bare = ip.replace(/^\[|\]$/g, '');
  return bare.toLowerCase().startsWith('::ffff:') && isIP(bare.slice(7)) === 4 ? bare.slice(7) : bare;
}

/** The address our server recorded for this request, if it ran through it. */
export function clientIp(headers: Headers): string | null {
  const value = headers.get(CLIENT_IP_HEADER);
  return value && isIP(value) ? value : null;
}
