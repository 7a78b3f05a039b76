// HTTPRequest, HTTPResponse and the error classes (httpclient_test's HTTPRequestTestCase,
// HTTPResponseTestCase, HTTPErrorTestCase; RequestProxyTest maps onto the defaults tests).
import { HTTPHeaders, HTTPOutputError, formatTimestamp } from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';
import { HTTPClientError, HTTPRequest, HTTPResponse, HTTPStreamClosedError, HTTPTimeoutError, REQUEST_DEFAULTS } from '../src/index';

describe('HTTPRequest', () => {
  it('takes headers as an object and copies an HTTPHeaders (test_headers, test_headers_setter)', () => {
    const request = new HTTPRequest('http://example.com', { headers: { foo: 'bar' } });
    expect(request.headers.get('Foo')).toBe('bar');
    const shared = new HTTPHeaders({ a: '1' });
    const copy = new HTTPRequest('http://example.com', { headers: shared });
    copy.headers.add('b', '2');
    expect(shared.has('b')).toBe(false);
    request.headers = new HTTPHeaders({ bar: 'baz' });
    expect(request.headers.get('bar')).toBe('baz');
  });

  it('defaults to GET with empty headers (test_null_headers_setter)', () => {
    const request = new HTTPRequest('http://example.com', { headers: null });
    expect(request.method).toBe('GET');
    expect(request.headers.size).toBe(0);
    expect(request.body).toBeNull();
  });

  it('encodes a string body as UTF-8 (test_body, test_body_setter)', () => {
    expect(new HTTPRequest('http://example.com', { body: 'foo' }).body).toEqual(Buffer.from('foo'));
    expect(new HTTPRequest('http://example.com', { body: '\u00e9' }).body).toEqual(Buffer.from([0xc3, 0xa9]));
    expect(new HTTPRequest('http://example.com', { body: new Uint8Array([1, 2]) }).body).toEqual(Buffer.from([1, 2]));
  });

  it('adds If-Modified-Since (test_if_modified_since)', () => {
    const when = new Date('2026-01-02T03:04:05Z');
    expect(new HTTPRequest('http://example.com', { ifModifiedSince: when }).headers.get('If-Modified-Since')).toBe(formatTimestamp(when));
  });

  it('refuses both a body and a body producer, and unsafe headers', () => {
    expect(() => new HTTPRequest('http://e.com', { body: 'x', bodyProducer: () => {} })).toThrow(TypeError);
    expect(() => new HTTPRequest('http://e.com', { headers: { X: 'a\r\nb' } })).toThrow(HTTPOutputError);
  });

  it('leaves unset settings undefined so the client defaults apply (RequestProxyTest)', () => {
    const request = new HTTPRequest('http://example.com/', { userAgent: 'foo' });
    expect(request.userAgent).toBe('foo');
    expect(request.proxyHost).toBeUndefined();
    expect(REQUEST_DEFAULTS.connectTimeout).toBe(20_000);
    expect(REQUEST_DEFAULTS.followRedirects).toBe(true);
    expect(REQUEST_DEFAULTS.maxRedirects).toBe(5);
  });
});

describe('HTTPResponse', () => {
  it('sets error for a non-2xx status and rethrows it (test_error_with_response)', () => {
    const response = new HTTPResponse(new HTTPRequest('http://example.com/'), 403);
    expect(response.reason).toBe('Forbidden');
    expect(response.errorIsResponseCode).toBe(true);
    expect(() => response.rethrow()).toThrow('HTTP 403: Forbidden');
    expect((response.error as HTTPClientError).response).toBe(response);
  });

  it('has no error for a 2xx, decodes text and JSON', () => {
    const response = new HTTPResponse(new HTTPRequest('http://example.com/'), 200, { body: Buffer.from('{"a":1}') });
    expect(response.error).toBeNull();
    expect(() => response.rethrow()).not.toThrow();
    expect(response.json()).toEqual({ a: 1 });
    expect(response.text()).toBe('{"a":1}');
    expect(response.effectiveUrl).toBe('http://example.com/');
  });

  it('keeps a given error (a 599)', () => {
    const error = new HTTPTimeoutError('Timeout during request');
    const response = new HTTPResponse(new HTTPRequest('http://example.com/'), 599, { error });
    expect(response.error).toBe(error);
    expect(response.errorIsResponseCode).toBe(false);
  });
});

describe('HTTPClientError', () => {
  it('prints like Tornado (test_plain_error) and keeps its status', () => {
    const error = new HTTPClientError(403);
    expect(error.message).toBe('HTTP 403: Forbidden');
    expect(String(error)).toBe('HTTPClientError: HTTP 403: Forbidden');
    expect(error.status).toBe(403);
    expect(error.response).toBeNull();
    expect(new HTTPClientError(599, 'Unknown thing').message).toBe('HTTP 599: Unknown thing');
  });

  it('copies (test_copy)', () => {
    const error = new HTTPClientError(403);
    const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as HTTPClientError, error);
    expect(copy).not.toBe(error);
    expect(copy.status).toBe(error.status);
  });

  it('has 599 subclasses for timeouts and closed streams, printing their message alone', () => {
    const timeout = new HTTPTimeoutError('Timeout in request queue');
    expect(timeout.status).toBe(599);
    expect(timeout.message).toBe('Timeout in request queue');
    expect(timeout).toBeInstanceOf(HTTPClientError);
    expect(new HTTPStreamClosedError().message).toBe('Stream closed');
    expect(new HTTPTimeoutError().message).toBe('Timeout');
  });

  it('has a unique code and a name equal to its class, and instanceof holds across copies', () => {
    const errors = [new HTTPClientError(500), new HTTPTimeoutError(), new HTTPStreamClosedError()];
    expect(errors.map((e) => e.name)).toEqual(['HTTPClientError', 'HTTPTimeoutError', 'HTTPStreamClosedError']);
    expect(new Set(errors.map((e) => e.code)).size).toBe(3);
    for (const e of errors) expect(e.code).toMatch(/^TORNADO_ERR_HTTP_CLIENT/);
    const foreign = { [Symbol.for('tornado-ts.HTTPClientError')]: true };
    expect(foreign instanceof HTTPClientError).toBe(true);
    expect(new Error('x') instanceof HTTPClientError).toBe(false);
  });

  it('carries a cause', () => {
    const cause = new Error('ECONNRESET');
    expect(new HTTPStreamClosedError('Connection closed', { cause }).cause).toBe(cause);
  });
});
