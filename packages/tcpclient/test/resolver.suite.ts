import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AddressFamily, ResolveError, type Resolver } from '@tornado-ts/tcpclient';

/**
 * The behaviour every Resolver shares (Tornado's `_ResolverTestMixin`), run by each
 * implementation's test file. Only `localhost` and IP literals are looked up: no DNS traffic.
 */
export function runResolverSuite(name: string, makeResolver: () => Resolver): void {
  describe(`${name}: shared resolver suite`, () => {
    let resolver: Resolver;
    beforeEach(() => {
      resolver = makeResolver();
    });
    afterEach(() => {
      resolver.close?.();
    });

    it('resolves localhost to 127.0.0.1 with the port asked for', async () => {
      const addresses = await resolver.resolve('localhost', 80);
      expect(addresses).toContainEqual({ family: 4, address: '127.0.0.1', port: 80 });
    });

    it('answers an IPv4 literal with itself', async () => {
      expect(await resolver.resolve('127.0.0.1', 8888)).toEqual([{ family: 4, address: '127.0.0.1', port: 8888 }]);
      expect(await resolver.resolve('127.0.0.1', 8888, 4)).toEqual([{ family: 4, address: '127.0.0.1', port: 8888 }]);
    });

    it('answers an IPv6 literal with itself', async () => {
      expect(await resolver.resolve('::1', 443)).toEqual([{ family: 6, address: '::1', port: 443 }]);
      expect(await resolver.resolve('::1', 443, 6)).toEqual([{ family: 6, address: '::1', port: 443 }]);
    });

    it.each([4, 6] as const)('returns only IPv%i addresses when that family is asked for', async (family) => {
      let addresses;
      try {
        addresses = await resolver.resolve('localhost', 80, family);
      } catch (error) {
        // localhost may have no address of this family (no ::1 line in /etc/hosts, say).
        expect(error).toBeInstanceOf(ResolveError);
        return;
      }
      expect(addresses.length).toBeGreaterThan(0);
      for (const address of addresses) expect(address.family).toBe(family);
    });

    it('rejects a literal of the other family with a ResolveError', async () => {
      await expect(resolver.resolve('::1', 80, 4)).rejects.toBeInstanceOf(ResolveError);
      await expect(resolver.resolve('127.0.0.1', 80, 6)).rejects.toBeInstanceOf(ResolveError);
    });

    it('gives every address the documented shape: family 4 or 6 matching the address, and the port', async () => {
      for (const host of ['localhost', '127.0.0.1', '::1']) {
        for (const address of await resolver.resolve(host, 1234, 0 as AddressFamily)) {
          expect(Object.keys(address).sort()).toEqual(['address', 'family', 'port']);
          expect(net.isIP(address.address)).toBe(address.family);
          expect(address.port).toBe(1234);
        }
      }
    });

    it('rejects an empty host with a ResolveError naming it', async () => {
      const error = await resolver.resolve('', 80).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResolveError);
      expect(error).toMatchObject({ host: '', code: 'TORNADO_ERR_RESOLVE', message: expect.stringContaining('""') });
    });

    it('rejects a bad port or family with a RangeError', async () => {
      await expect(resolver.resolve('127.0.0.1', 70000)).rejects.toThrow(RangeError);
      await expect(resolver.resolve('127.0.0.1', 1.5)).rejects.toThrow(RangeError);
      await expect(resolver.resolve('127.0.0.1', 80, 5 as AddressFamily)).rejects.toThrow(RangeError);
    });

    it('can be used for many lookups at once', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => resolver.resolve('127.0.0.1', 1000 + i)));
      expect(results.map((r) => r[0].port)).toEqual(Array.from({ length: 20 }, (_, i) => 1000 + i));
    });
  });
}
