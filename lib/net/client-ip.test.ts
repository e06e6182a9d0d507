import { describe, expect, it } from 'vitest';
import { clientIp, clientIpOf, CLIENT_IP_HEADER } from './client-ip';

describe('client address for throttling', () => {
  it('is the socket peer unless proxies are trusted', () => {
    expect(clientIpOf('::ffff:203.0.113.9', '198.51.100.1', 0)).toBe('203.0.113.9');
    expect(clientIpOf('2001:db8::5', undefined, 1)).toBe('2001:db8::5');
  });

  it('with N trusted proxies takes the Nth X-Forwarded-For entry from the right, never a forged one further left', () => {
    // client forged "1.1.1.1", its real address 198.51.100.7 was appended by our one proxy
    expect(clientIpOf('10.0.0.2', '1.1.1.1, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientIpOf('10.0.0.2', '1.1.1.1, 198.51.100.7, 10.0.0.9', 2)).toBe('198.51.100.7');
    expect(clientIpOf('10.0.0.2', ['1.1.1.1', '198.51.100.7'], 1)).toBe('198.51.100.7');
    // fewer entries than hops, or garbage: the peer
    expect(clientIpOf('10.0.0.2', '198.51.100.7', 3)).toBe('10.0.0.2');
    expect(clientIpOf('10.0.0.2', 'not-an-ip', 1)).toBe('10.0.0.2');
  });

  it('reads only a well-formed address from our header', () => {
    expect(clientIp(new Headers({ [CLIENT_IP_HEADER]: '198.51.100.7' }))).toBe('198.51.100.7');
    expect(clientIp(new Headers({ [CLIENT_IP_HEADER]: 'x' }))).toBeNull();
    expect(clientIp(new Headers())).toBeNull();
  });
});
