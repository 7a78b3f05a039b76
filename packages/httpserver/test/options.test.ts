import { HTTPServer, type HTTPServerOptions } from '@tornado-ts/httpserver';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_CONNECTION_TIMEOUT, resolveServerOptions } from '../src/options';
import { certificate, hello, privateKey } from './helpers';

function build(options: unknown): HTTPServer {
  return new HTTPServer(hello, options as HTTPServerOptions);
}

describe('HTTPServer options', () => {
  it('fills in the server defaults and passes the rest to the codec and the TCP layer', () => {
    const resolved = resolveServerOptions({ maxBodySize: 4096, chunkSize: 16, maxBufferSize: 1 << 20, decompressRequest: true });
    expect(resolved.connection).toMatchObject({
      maxBodySize: 4096,
      chunkSize: 16,
      decompress: true,
      noKeepAlive: false,
      headerTimeout: DEFAULT_HEADER_TIMEOUT,
      idleConnectionTimeout: DEFAULT_IDLE_CONNECTION_TIMEOUT,
      bodyTimeout: null,
    });
    expect(resolved.tcp.maxBufferSize).toBe(1 << 20);
    expect(resolved.xheaders).toBe(false);
    expect(resolved.protocol).toBeNull();
    expect([...resolved.trustedDownstream]).toEqual([]);
  });

  it('null turns the timeouts off', () => {
    const { connection } = resolveServerOptions({ headerTimeout: null, idleConnectionTimeout: null, bodyTimeout: null });
    expect(connection).toMatchObject({ headerTimeout: null, idleConnectionTimeout: null, bodyTimeout: null });
  });

  it('accepts every documented option', () => {
    expect(() =>
      build({
        xheaders: true,
        trustedDownstream: ['10.0.0.1', '::1'],
        protocol: 'https',
        decompressRequest: true,
        noKeepAlive: true,
        chunkSize: 1024,
        maxHeaderSize: 1024,
        maxHeaderCount: 50,
        headerTimeout: 1000,
        maxBodySize: 0,
        bodyTimeout: 1000,
        idleConnectionTimeout: 1000,
        maxBufferSize: 1 << 20,
        maxWriteBufferSize: 1 << 20,
        handshakeTimeout: 1000,
      }),
    ).not.toThrow();
  });

  it.each([
    ['no_keep_alive', "Unknown HTTPServer option 'no_keep_alive' (did you mean 'noKeepAlive'?)"],
    ['ssl_options', "Unknown HTTPServer option 'ssl_options' (did you mean 'tls'?)"],
    ['maxBodySise', "Unknown HTTPServer option 'maxBodySise' (did you mean 'maxBodySize'?)"],
    ['decompress', "Unknown HTTPServer option 'decompress' (did you mean 'decompressRequest'?)"],
    ['somethingElse', "Unknown HTTPServer option 'somethingElse'"],
  ])('an unknown option %s is a TypeError that names it', (name, message) => {
    expect(() => build({ [name]: 1 })).toThrow(new TypeError(message));
  });

  it.each([
    [{ xheaders: 'yes' }, TypeError, /xheaders must be a boolean/],
    [{ noKeepAlive: 1 }, TypeError, /noKeepAlive must be a boolean/],
    [{ decompressRequest: null }, TypeError, /decompressRequest must be a boolean/],
    [{ maxBodySize: '10' }, TypeError, /maxBodySize must be a number/],
    [{ maxBodySize: -1 }, RangeError, /maxBodySize must be an integer >= 0, got -1/],
    [{ maxHeaderSize: 8 }, RangeError, /maxHeaderSize must be an integer >= 16/],
    [{ chunkSize: 0 }, RangeError, /chunkSize/],
    [{ chunkSize: 1.5 }, RangeError, /chunkSize/],
    [{ maxBufferSize: Number.NaN }, RangeError, /maxBufferSize/],
    [{ headerTimeout: 0 }, RangeError, /headerTimeout must be a positive, finite number of ms or null/],
    [{ bodyTimeout: -5 }, RangeError, /bodyTimeout/],
    [{ idleConnectionTimeout: Infinity }, RangeError, /idleConnectionTimeout/],
    [{ idleConnectionTimeout: '1s' }, TypeError, /idleConnectionTimeout must be a number of ms or null/],
    [{ trustedDownstream: '5.5.5.5' }, TypeError, /trustedDownstream must be an array/],
    [{ trustedDownstream: ['5.5.5.5', 'proxy.local'] }, TypeError, /trustedDownstream must hold IP addresses only, got "proxy.local"/],
    [{ protocol: 'ftp' }, TypeError, /protocol must be 'http' or 'https'/],
    [{ tls: 'cert.pem' }, TypeError, /tls must be TLS server options/],
  ])('%o is refused', (options, kind, message) => {
    expect(() => build(options)).toThrow(kind);
    expect(() => build(options)).toThrow(message);
  });

  it('refuses an app that is neither a delegate nor a callback', () => {
    expect(() => new HTTPServer({} as never)).toThrow(TypeError);
    expect(() => new HTTPServer(null as never)).toThrow(/HTTPServerConnectionDelegate/);
  });

  it('refuses a bad TLS key or certificate at construction (Tornado BadSSLOptionsTest)', () => {
    expect(() => build({ tls: { key: 'not a key', cert: certificate } })).toThrow();
    expect(() => build({ tls: { key: privateKey, cert: 'not a certificate' } })).toThrow();
    expect(() => build({ tls: { key: privateKey, cert: certificate } })).not.toThrow();
  });
});
