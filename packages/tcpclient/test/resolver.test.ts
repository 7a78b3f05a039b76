import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { DefaultResolver, type LookupAllFunction, ResolveError } from '@tornado-ts/tcpclient';
import { runResolverSuite } from './resolver.suite';

runResolverSuite('DefaultResolver', () => new DefaultResolver());

function failingLookup(code: string): LookupAllFunction {
  return async (hostname) => {
    throw Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code, hostname });
  };
}

describe('DefaultResolver', () => {
  // Tornado's _ResolverErrorTestMixin: a real lookup failure needs DNS, so the lookup is replaced.
  it('rejects with a ResolveError naming the host, the lookup error as cause', async () => {
    const resolver = new DefaultResolver({ lookup: failingLookup('ENOTFOUND') });
    const error = await resolver.resolve('an invalid domain', 80).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResolveError);
    expect(error).toMatchObject({
      host: 'an invalid domain',
      message: 'Could not resolve "an invalid domain": getaddrinfo ENOTFOUND an invalid domain',
      cause: expect.objectContaining({ code: 'ENOTFOUND' }),
    });
  });

  it('rejects when the lookup finds nothing', async () => {
    const resolver = new DefaultResolver({ lookup: async () => [] });
    await expect(resolver.resolve('empty.test', 80)).rejects.toThrow('Could not resolve "empty.test": no addresses found');
  });

  it('asks the lookup for all addresses of the family and keeps their order', async () => {
    const seen: unknown[] = [];
    const answer: LookupAddress[] = [
      { address: '::1', family: 6 },
      { address: '127.0.0.1', family: 4 },
      { address: '127.0.0.2', family: 4 },
    ];
    const resolver = new DefaultResolver({
      lookup: async (hostname, options) => {
        seen.push([hostname, options]);
        return answer;
      },
    });
    expect(await resolver.resolve('dual.test', 8080)).toEqual([
      { family: 6, address: '::1', port: 8080 },
      { family: 4, address: '127.0.0.1', port: 8080 },
      { family: 4, address: '127.0.0.2', port: 8080 },
    ]);
    expect(await resolver.resolve('dual.test', 8080, 4)).toEqual([
      { family: 4, address: '127.0.0.1', port: 8080 },
      { family: 4, address: '127.0.0.2', port: 8080 },
    ]);
    expect(seen).toEqual([
      ['dual.test', { all: true, family: 0 }],
      ['dual.test', { all: true, family: 4 }],
    ]);
  });

  it('says which family was missing', async () => {
    const resolver = new DefaultResolver({ lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    await expect(resolver.resolve('v4only.test', 80, 6)).rejects.toThrow('Could not resolve "v4only.test": no IPv6 address found');
  });

  it('has a close() that frees nothing and leaves the resolver usable', async () => {
    const resolver = new DefaultResolver();
    resolver.close();
    resolver.close();
    expect(await resolver.resolve('127.0.0.1', 1)).toEqual([{ family: 4, address: '127.0.0.1', port: 1 }]);
  });
});
