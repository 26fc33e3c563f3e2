import { describe, expect, it } from 'vitest';
import { bounceAddress, readBounceAddress } from '../../src/mail/verp.js';

const SECRET = 's'.repeat(43);
const BASE = 'bounces@lab.example.org';

describe('bounce addresses (VERP)', () => {
  it('name the subscriber and digest, read back whatever case a mail server gave the address', () => {
    const a = bounceAddress(SECRET, BASE, { subscriberId: 48_213, digestId: 9_007_199_254 });
    expect(a).toMatch(/^bounces\+[0-9a-f]{32}@lab\.example\.org$/);
    expect(a.length).toBeLessThan(64 + 1 + 16);
    expect(readBounceAddress(SECRET, BASE, a)).toEqual({ subscriberId: 48_213, digestId: 9_007_199_254 });
    expect(readBounceAddress(SECRET, BASE, `<${a.toUpperCase()}>`)).toEqual({ subscriberId: 48_213, digestId: 9_007_199_254 });
  });

  it('show no sequential id: neighbouring digests get unrelated tokens', () => {
    const a = bounceAddress(SECRET, BASE, { subscriberId: 1, digestId: 1 });
    const b = bounceAddress(SECRET, BASE, { subscriberId: 1, digestId: 2 });
    const common = [...a].filter((c, i) => c === b[i]).length;
    expect(common).toBeLessThan('bounces+@lab.example.org'.length + 8);
  });

  it('refuse a token made with another secret, for another base address, or changed by one digit', () => {
    const a = bounceAddress(SECRET, BASE, { subscriberId: 7, digestId: 70 });
    expect(readBounceAddress('t'.repeat(43), BASE, a)).toBeNull();
    expect(readBounceAddress(SECRET, 'returns@lab.example.org', a)).toBeNull();
    expect(readBounceAddress(SECRET, 'bounces@other.example.org', a)).toBeNull();
    const flipped = a.replace(/\+(.)/, (_, c: string) => `+${c === '0' ? '1' : '0'}`);
    expect(readBounceAddress(SECRET, BASE, flipped)).toBeNull();
    expect(readBounceAddress(SECRET, BASE, 'bounces+00000000000000000000000000000000@lab.example.org')).toBeNull();
    expect(readBounceAddress(SECRET, BASE, BASE)).toBeNull();
  });

  it('work with a base address that already holds a +', () => {
    const base = 'lab+bounces@example.org';
    const a = bounceAddress(SECRET, base, { subscriberId: 3, digestId: 0 });
    expect(a).toMatch(/^lab\+bounces\+[0-9a-f]{32}@example\.org$/);
    expect(readBounceAddress(SECRET, base, a)).toEqual({ subscriberId: 3, digestId: 0 });
  });
});
