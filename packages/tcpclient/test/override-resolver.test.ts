import { describe, expect, it } from 'vitest';
import { DefaultResolver, OverrideResolver, type OverrideMapping, type Resolver } from '@tornado-ts/tcpclient';
import { fixedResolver } from './helpers';
import { runResolverSuite } from './resolver.suite';

runResolverSuite(
  'OverrideResolver',
  () => new OverrideResolver({ resolver: new DefaultResolver(), mapping: { 'tornado.test': '127.0.0.1', 'other.test:80': '::1' } }),
);

/** A resolver that echoes what it was asked, so the rewriting can be read off the result. */
function echoResolver(): Resolver & { calls: unknown[][]; closed: number } {
  const echo = {
    calls: [] as unknown[][],
    closed: 0,
    resolve: async (host: string, port: number, family = 0) => {
      echo.calls.push([host, port, family]);
      return [{ family: host.includes(':') ? (6 as const) : (4 as const), address: host, port }];
    },
    close: () => {
      echo.closed++;
    },
  };
  return echo;
}

function override(mapping: OverrideMapping) {
  const inner = echoResolver();
  return { inner, resolver: new OverrideResolver({ resolver: inner, mapping }) };
}

describe('OverrideResolver', () => {
  it('replaces a host name, keeping the port and family', async () => {
    const { inner, resolver } = override({ 'tornado.test': '127.0.0.1' });
    expect(await resolver.resolve('tornado.test', 8888, 4)).toEqual([{ family: 4, address: '127.0.0.1', port: 8888 }]);
    expect(inner.calls).toEqual([['127.0.0.1', 8888, 4]]);
  });

  it('replaces host and port for a "host:port" key, or for [host, port] entries', async () => {
    const { resolver } = override({ 'login.test:443': ['127.0.0.1', 1443] });
    expect(await resolver.resolve('login.test', 443)).toEqual([{ family: 4, address: '127.0.0.1', port: 1443 }]);
    expect(await resolver.resolve('login.test', 80)).toEqual([{ family: 4, address: 'login.test', port: 80 }]);

    const { resolver: fromEntries } = override(new Map([[['login.test', 443] as const, ['127.0.0.2', 2443] as const]]));
    expect(await fromEntries.resolve('login.test', 443)).toEqual([{ family: 4, address: '127.0.0.2', port: 2443 }]);
  });

  it('reads "[v6]:port" as host and port, and a bare IPv6 literal as a host', async () => {
    const { resolver } = override({ '[::1]:80': ['127.0.0.1', 8080], 'fe80::1:80': '127.0.0.3' });
    expect(await resolver.resolve('::1', 80)).toEqual([{ family: 4, address: '127.0.0.1', port: 8080 }]);
    expect(await resolver.resolve('fe80::1:80', 5)).toEqual([{ family: 4, address: '127.0.0.3', port: 5 }]);
  });

  it('can send one name to different addresses per family (Tornado test_resolve_multiaddr)', async () => {
    const resolver = new OverrideResolver({
      resolver: new DefaultResolver(),
      mapping: [
        [['dual.test', 80], ['127.0.0.1', 80]],
        [['dual.test', 80, 4], ['127.0.0.1', 80]],
        [['dual.test', 80, 6], ['::1', 80]],
      ],
    });
    expect(await resolver.resolve('dual.test', 80, 4)).toContainEqual({ family: 4, address: '127.0.0.1', port: 80 });
    expect(await resolver.resolve('dual.test', 80, 6)).toContainEqual({ family: 6, address: '::1', port: 80 });
    expect(await resolver.resolve('dual.test', 80)).toContainEqual({ family: 4, address: '127.0.0.1', port: 80 });
  });

  it('prefers host+port+family over host+port over host', async () => {
    const { resolver } = override([
      ['site.test', 'host-only'],
      ['site.test:80', 'host-port'],
      [['site.test', 80, 6], 'host-port-family'],
    ]);
    expect((await resolver.resolve('site.test', 80, 6))[0].address).toBe('host-port-family');
    expect((await resolver.resolve('site.test', 80, 4))[0].address).toBe('host-port');
    expect((await resolver.resolve('site.test', 80))[0].address).toBe('host-port');
    expect((await resolver.resolve('site.test', 81))[0].address).toBe('host-only');
  });

  it('matches a [host, port, 0] key only when no family is asked for', async () => {
    const { resolver } = override([[['site.test', 80, 0], '127.0.0.9']]);
    expect((await resolver.resolve('site.test', 80))[0].address).toBe('127.0.0.9');
    expect((await resolver.resolve('site.test', 80, 4))[0].address).toBe('site.test');
  });

  it('passes unmapped names through unchanged and does not chain overrides', async () => {
    const { inner, resolver } = override({ 'a.test': 'b.test', 'b.test': 'c.test' });
    await resolver.resolve('elsewhere.test', 1);
    await resolver.resolve('a.test', 2);
    expect(inner.calls).toEqual([
      ['elsewhere.test', 1, 0],
      ['b.test', 2, 0],
    ]);
  });

  it('propagates the wrapped resolver’s result order untouched', async () => {
    const order = [
      { family: 6 as const, address: '::1', port: 9 },
      { family: 4 as const, address: '127.0.0.1', port: 9 },
    ];
    const resolver = new OverrideResolver({ resolver: fixedResolver(order), mapping: { 'x.test': 'y.test' } });
    expect(await resolver.resolve('x.test', 9)).toEqual(order);
  });

  it('closes the wrapped resolver (as Tornado does) and tolerates one without close()', () => {
    const { inner, resolver } = override({});
    resolver.close();
    expect(inner.closed).toBe(1);
    expect(() => new OverrideResolver({ resolver: fixedResolver([]), mapping: {} }).close()).not.toThrow();
  });

  it('refuses malformed mappings when constructed', () => {
    const bad: unknown[] = [
      [[['x.test'], 'y']],
      [[['x.test', 80, 5], 'y']],
      [[['x.test', 70000], 'y']],
      [[[1, 80], 'y']],
      [['x.test', ['y']]],
      [['x.test', ['y', -1]]],
      [['x.test', 42]],
      { 'x.test:99999': 'y' },
    ];
    for (const mapping of bad) {
      expect(() => new OverrideResolver({ resolver: fixedResolver([]), mapping: mapping as OverrideMapping })).toThrow(/override|family|port/);
    }
  });
});
