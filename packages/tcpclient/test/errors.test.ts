import { describe, expect, it } from 'vitest';
import * as tcpclient from '@tornado-ts/tcpclient';
import { ConnectError, ResolveError } from '@tornado-ts/tcpclient';

const samples: Record<string, Error & { code: string }> = {
  ResolveError: new ResolveError('tornado.test', { cause: new Error('getaddrinfo ENOTFOUND tornado.test') }),
  ConnectError: new ConnectError('localhost', 8888, [new Error('connect ECONNREFUSED 127.0.0.1:8888')]),
};

const exported = Object.entries(tcpclient as Record<string, unknown>).flatMap(([name, value]) =>
  typeof value === 'function' && value.prototype instanceof Error ? [name] : [],
);

describe('errors', () => {
  it('exports ResolveError and ConnectError', () => {
    expect(exported.sort()).toEqual(Object.keys(samples).sort());
  });

  it('names each error after its class, with a message and a stable code', () => {
    for (const [name, error] of Object.entries(samples)) {
      expect([error.name, String(error)]).toEqual([name, `${name}: ${error.message}`]);
      expect(error.code).toMatch(/^TORNADO_ERR_[A-Z_]+$/);
    }
  });

  it('ResolveError names the host and keeps the lookup error as cause', () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND tornado.test'), { code: 'ENOTFOUND' });
    const error = new ResolveError('tornado.test', { cause });
    expect(error.message).toBe('Could not resolve "tornado.test": getaddrinfo ENOTFOUND tornado.test');
    expect([error.host, error.cause]).toEqual(['tornado.test', cause]);
    expect(new ResolveError('x', { reason: 'empty host name' }).message).toBe('Could not resolve "x": empty host name');
    expect(new ResolveError('x').message).toBe('Could not resolve "x": no addresses found');
  });

  it('ConnectError names host and port, keeps every attempt error and the last as cause', () => {
    const first = new Error('connect ECONNREFUSED ::1:8888');
    const last = new Error('connect ECONNREFUSED 127.0.0.1:8888');
    const error = new ConnectError('localhost', 8888, [first, last]);
    expect(error.message).toBe('Could not connect to localhost:8888: connect ECONNREFUSED 127.0.0.1:8888');
    expect([error.host, error.port, error.errors, error.cause]).toEqual(['localhost', 8888, [first, last], last]);
    expect(new ConnectError('::1', 80).message).toBe('Could not connect to [::1]:80: no addresses to try');
    expect(new ConnectError('::1', 80).cause).toBeUndefined();
  });

  it('keeps instanceof working across duplicate installs through a Symbol.for brand', () => {
    const foreignResolve = Object.defineProperty(new Error('x'), Symbol.for('tornado-ts.ResolveError'), { value: true });
    const foreignConnect = Object.defineProperty(new Error('x'), Symbol.for('tornado-ts.ConnectError'), { value: true });
    expect(foreignResolve instanceof ResolveError).toBe(true);
    expect(foreignConnect instanceof ConnectError).toBe(true);
    expect(foreignResolve instanceof ConnectError).toBe(false);
    expect(new Error('plain') instanceof ConnectError).toBe(false);
    expect(samples.ConnectError instanceof Error).toBe(true);
  });
});
