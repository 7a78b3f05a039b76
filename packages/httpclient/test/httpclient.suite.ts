// The cases of Tornado's httpclient_test (HTTPClientCommonTestCase) and simple_httpclient_test
// (SimpleHTTPClientTestMixin) that need only a well-behaved server, run against each of the three
// servers of servers.ts by three-servers.test.ts. Cases that need a hostile or scripted peer are
// in the other test files.
//
// Adapted or not applicable here (and why):
// - test_gzip uses a /gzip route instead of the app-wide gzip of /chunk (node:http has no gzip
//   transform); test_invalid_gzip, test_chunked_close, test_multi_line_headers (inverted: obs-fold
//   is refused) and test_304_with_content_length need a scripted peer: simple-async-http-client.test.ts.
// - test_error_after_cancel: promises cannot be cancelled (abort signals: close.test.ts).
// - SyncHTTPClientTest, SyncHTTPClientSubprocessTest: there is no blocking client in Node.
// - RequestProxyTest: defaults are plain fields here (http-request.test.ts, configure.test.ts);
//   HTTPResponseTestCase.test_str: Python repr.
// - 'OTHER' in test_all_methods is skipped against node:http, whose parser refuses unknown methods.
import { HTTPHeaders } from '@tornado-ts/httputil';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HTTPClientError, HTTPRequest, SimpleAsyncHTTPClient, type HTTPResponse } from '../src/index';
import type { TestServer } from './servers';

/** Runs the shared cases against the server `start` makes (started once for the block). */
export function runClientSuite(name: string, start: () => Promise<TestServer>): void {
  describe(`AsyncHTTPClient against ${name}`, () => {
    let server: TestServer;
    let client: SimpleAsyncHTTPClient;
    const url = (path: string) => server.url(path);
    const fetch = (path: string, options: Parameters<SimpleAsyncHTTPClient['fetch']>[1] = {}): Promise<HTTPResponse> =>
      client.fetch(path.startsWith('http') ? path : url(path), { raiseError: false, ...options });

    beforeAll(async () => {
      server = await start();
    });
    afterAll(async () => {
      await server?.stop();
    });
    beforeEach(() => {
      client = new SimpleAsyncHTTPClient();
    });
    afterEach(() => {
      client.close();
    });

    it('fetches hello world, with requestTime and a query argument (test_hello_world)', async () => {
      const response = await fetch('/hello');
      expect(response.code).toBe(200);
      expect(response.headers.get('Content-Type')).toBe('text/plain');
      expect(response.body.toString()).toBe('Hello world!');
      expect(response.requestTime).toBeGreaterThanOrEqual(0);
      expect(response.requestTime).toBeLessThan(1000);
      expect((await fetch('/hello?name=Ben')).text()).toBe('Hello Ben!');
    });

    it('sends the body to streamingCallback instead of response.body (test_streaming_callback)', async () => {
      const chunks: Buffer[] = [];
      const response = await fetch('/hello', { streamingCallback: (chunk) => void chunks.push(Buffer.from(chunk)) });
      expect(Buffer.concat(chunks).toString()).toBe('Hello world!');
      expect(response.body.length).toBe(0);
    });

    it('posts a form body (test_post)', async () => {
      const response = await fetch('/post', { method: 'POST', body: 'arg1=foo&arg2=bar' });
      expect(response.code).toBe(200);
      expect(response.text()).toBe('Post arg1: foo, arg2: bar');
    });

    it('sends a PATCH body (test_patch_receives_payload)', async () => {
      const response = await fetch('/patch', { method: 'PATCH', body: 'some patch data' });
      expect(response.text()).toBe('some patch data');
    });

    it('reads a chunked response, whole and streamed (test_chunked)', async () => {
      expect((await fetch('/chunk')).text()).toBe('asdfqwer');
      const chunks: string[] = [];
      const response = await fetch('/chunk', { streamingCallback: (chunk) => void chunks.push(chunk.toString()) });
      expect(chunks.join('')).toBe('asdfqwer');
      expect(chunks[0].startsWith('asdf')).toBe(true);
      expect(response.body.length).toBe(0);
    });

    it('sends basic auth, also with explicit mode and non-ASCII (NFC) credentials (test_basic_auth*)', async () => {
      const aladdin = { authUsername: 'Aladdin', authPassword: 'open sesame' };
      expect((await fetch('/auth', aladdin)).text()).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
      expect((await fetch('/auth', { ...aladdin, authMode: 'basic' })).text()).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
      expect((await fetch('/auth', { authUsername: 'test', authPassword: '123£' })).text()).toBe('Basic dGVzdDoxMjPCow==');
      const decomposed = 'josé'.normalize('NFD');
      expect((await fetch('/auth', { authUsername: decomposed, authPassword: 'səcrət' })).text()).toBe('Basic am9zw6k6c8mZY3LJmXQ=');
    });

    it('refuses an unknown auth mode rather than falling back to basic (test_unsupported_auth_mode)', async () => {
      await expect(fetch('/auth', { authUsername: 'Aladdin', authPassword: 'x', authMode: 'asdf' })).rejects.toThrow(/Unsupported auth mode/);
    });

    it('follows redirects, or returns the 3xx when told not to (test_follow_redirect)', async () => {
      const unfollowed = await fetch('/countdown/2', { followRedirects: false });
      expect(unfollowed.code).toBe(302);
      expect(unfollowed.headers.get('Location')?.endsWith('/countdown/1')).toBe(true);
      const followed = await fetch('/countdown/2');
      expect(followed.code).toBe(200);
      expect(followed.effectiveUrl.endsWith('/countdown/0')).toBe(true);
      expect(followed.text()).toBe('Zero');
      expect(followed.timeInfo?.redirects).toBe(2);
    });

    it('stops after maxRedirects and says so (test_max_redirects)', async () => {
      const response = await fetch('/countdown/5', { maxRedirects: 3 });
      expect(response.code).toBe(302);
      expect(response.request.url.endsWith('/countdown/5')).toBe(true);
      expect(response.effectiveUrl.endsWith('/countdown/2')).toBe(true);
      expect(response.headers.get('Location')?.endsWith('/countdown/1')).toBe(true);
      await expect(client.fetch(url('/countdown/5'), { maxRedirects: 3 })).rejects.toThrow(/HTTP 302: .*stopped after 3 redirects/);
    });

    it('returns a redirect without Location as it is (test_redirect_without_location)', async () => {
      expect((await fetch('/redirect_without_location')).code).toBe(301);
    });

    it('keeps PUT and its body across 307 (test_redirect_put_with_body, test_put_307)', async () => {
      expect((await fetch('/redirect?url=/put&status=307', { method: 'PUT', body: 'hello' })).text()).toBe('Put body: hello');
      const empty = await fetch('/redirect?url=/put&status=307', { method: 'PUT', allowNonstandardMethods: true });
      expect(empty.text()).toBe('Put body: ');
    });

    it('turns POST into GET on 301/302/303, keeps other methods, and keeps everything on 307/308 (test_method_after_redirect)', async () => {
      for (const status of [301, 302, 303]) {
        const target = `/redirect?url=/all_methods&status=${status}`;
        expect((await fetch(target, { method: 'POST', body: '' })).text()).toBe('GET');
        for (const method of ['GET', 'OPTIONS', 'PUT', 'DELETE']) {
          const response = await fetch(target, { method, allowNonstandardMethods: true });
          expect(response.text()).toBe(status === 303 ? 'GET' : method);
        }
        const head = await fetch(target, { method: 'HEAD' });
        expect(head.code).toBe(200);
        expect(head.body.length).toBe(0);
      }
      for (const status of [307, 308]) {
        const target = `/redirect?url=/all_methods&status=${status}`;
        for (const method of ['GET', 'OPTIONS', 'POST', 'PUT', 'DELETE']) {
          expect((await fetch(target, { method, allowNonstandardMethods: true })).text()).toBe(method);
        }
        expect((await fetch(target, { method: 'HEAD' })).code).toBe(200);
      }
    });

    it('redirects a POST to GET without a body on 302 and 303; response.request stays the POST (test_see_other_redirect)', async () => {
      for (const code of [302, 303]) {
        const response = await fetch('/see_other_post', { method: 'POST', body: String(code) });
        expect(response.code).toBe(200);
        expect(response.request.url.endsWith('/see_other_post')).toBe(true);
        expect(response.effectiveUrl.endsWith('/see_other_get')).toBe(true);
        expect(response.request.method).toBe('POST');
      }
    });

    it('takes credentials from the URL (test_credentials_in_url) and leaves them out of Host (test_host_header)', async () => {
      const withCredentials = url('/auth').replace('http://', 'http://me:secret@');
      expect((await fetch(withCredentials)).text()).toBe(`Basic ${Buffer.from('me:secret').toString('base64')}`);
      const hostPattern = /^127\.0\.0\.1:\d+$/;
      expect((await fetch('/host_echo')).text()).toMatch(hostPattern);
      expect((await fetch(url('/host_echo').replace('http://', 'http://me:secret@'))).text()).toMatch(hostPattern);
    });

    it('sends a string body as UTF-8 and bytes as they are (test_body_encoding)', async () => {
      const text = await fetch('/echopost', { method: 'POST', body: '\u00e9', headers: { 'Content-Type': 'application/blah' } });
      expect(text.headers.get('Content-Length')).toBe('2');
      expect(text.body).toEqual(Buffer.from('\u00e9', 'utf8'));
      const bytes = await fetch('/echopost', { method: 'POST', body: Buffer.from([0xe9]), headers: { 'Content-Type': 'application/blah' }, userAgent: 'foo' });
      expect(bytes.headers.get('Content-Length')).toBe('1');
      expect(bytes.body).toEqual(Buffer.from([0xe9]));
    });

    it('gives typed fields (test_types)', async () => {
      const response = await fetch('/hello');
      expect(Buffer.isBuffer(response.body)).toBe(true);
      expect(typeof response.headers.get('Content-Type')).toBe('string');
      expect(typeof response.code).toBe('number');
      expect(typeof response.effectiveUrl).toBe('string');
    });

    it('decompresses gzip, and leaves it compressed with decompressResponse false (test_gzip)', async () => {
      const decoded = await fetch('/gzip');
      expect(decoded.text()).toBe('asdfqwer');
      expect(decoded.headers.get('X-Consumed-Content-Encoding')).toBe('gzip');
      const raw = await fetch('/gzip', { decompressResponse: false, headers: { 'Accept-Encoding': 'gzip' } });
      expect(raw.headers.get('Content-Encoding')).toBe('gzip');
      expect(raw.body[0]).toBe(0x1f);
      expect((await import('node:zlib')).gunzipSync(raw.body).toString()).toBe('asdfqwer');
    });

    it('calls headerCallback with each line before any streamed data (test_header_callback)', async () => {
      const firstLines: string[] = [];
      const headers = new Map<string, string>();
      const chunks: string[] = [];
      await fetch('/chunk', {
        headerCallback: (line) => {
          if (line.startsWith('HTTP/')) firstLines.push(line);
          else if (line !== '\r\n') {
            const colon = line.indexOf(':');
            headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
          }
        },
        streamingCallback: (chunk) => {
          expect(headers.get('content-type')).toBe('text/html; charset=UTF-8');
          chunks.push(chunk.toString());
        },
      });
      expect(firstLines).toHaveLength(1);
      expect(firstLines[0]).toMatch(/^HTTP\/\d\.\d 200.*\r\n$/);
      expect(chunks.join('')).toBe('asdfqwer');
    });

    it('calls the callbacks for the final response only when following redirects (test_streaming_follow_redirects)', async () => {
      const lines: string[] = [];
      const chunks: Buffer[] = [];
      await fetch('/redirect?url=/hello', { headerCallback: (line) => lines.push(line), streamingCallback: (chunk) => void chunks.push(chunk) });
      expect(Buffer.concat(chunks).toString()).toBe('Hello world!');
      expect(lines.filter((line) => line.startsWith('HTTP/'))).toHaveLength(1);
    });

    it('uses the client defaults (test_configure_defaults) and sends its own User-Agent otherwise (test_default_user_agent)', async () => {
      const withDefaults = new SimpleAsyncHTTPClient({ defaults: { userAgent: 'TestDefaultUserAgent', allowIpv6: false } });
      try {
        expect((await withDefaults.fetch(url('/user_agent'))).text()).toBe('TestDefaultUserAgent');
      } finally {
        withDefaults.close();
      }
      expect((await fetch('/user_agent')).text()).toMatch(/^tornado-ts\//);
    });

    it('takes headers as an object, pairs or HTTPHeaders, and never changes the caller\'s (test_header_types, test_header_reuse)', async () => {
      for (const headers of [{ 'User-Agent': 'MyUserAgent' }, [['User-Agent', 'MyUserAgent']] as [string, string][], new HTTPHeaders({ 'User-Agent': 'MyUserAgent' })]) {
        expect((await fetch('/user_agent', { headers })).text()).toBe('MyUserAgent');
      }
      const shared = new HTTPHeaders({ 'User-Agent': 'Foo' });
      await fetch('/hello', { headers: shared });
      expect([...shared]).toEqual([['User-Agent', 'Foo']]);
    });

    it('sends and receives latin1 header values (test_header_encoding, test_non_ascii_header)', async () => {
      expect((await fetch('/header-encoding', { headers: { Foo: 'b\u00e4r' } })).body).toEqual(Buffer.from('b\u00e4r', 'latin1'));
      const response = await fetch('/set_header?k=foo&v=%E9');
      expect(response.code).toBe(200);
      expect(response.headers.get('Foo')).toBe('\u00e9');
    });

    it('throws HTTPClientError carrying the response for a 404, or returns it with raiseError false (test_future_http_error*)', async () => {
      const error = await client.fetch(url('/notfound')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HTTPClientError);
      expect((error as HTTPClientError).status).toBe(404);
      expect((error as HTTPClientError).response?.code).toBe(404);
      expect((error as HTTPClientError).message).toBe('HTTP 404: Not Found');
      const response = await client.fetch(url('/notfound'), { raiseError: false });
      expect(response.code).toBe(404);
      expect(() => response.rethrow()).toThrow(HTTPClientError);
    });

    it('fetches response.request again (test_reuse_request_from_response)', async () => {
      const first = await client.fetch(url('/hello'));
      expect(first.request).toBeInstanceOf(HTTPRequest);
      expect(first.request.url).toBe(url('/hello'));
      expect((await client.fetch(first.request)).text()).toBe('Hello world!');
    });

    it('binds to a source address, and refuses what is not an IP (test_bind_source_ip)', async () => {
      expect((await fetch('/hello', { networkInterface: '127.0.0.1' })).code).toBe(200);
      await expect(client.fetch(url('/hello'), { networkInterface: 'not-interface-or-ip' })).rejects.toThrow(/not-interface-or-ip/);
    });

    it('sends every method (test_all_methods)', async () => {
      for (const method of ['GET', 'DELETE', 'OPTIONS']) expect((await fetch('/all_methods', { method })).text()).toBe(method);
      for (const method of ['POST', 'PUT', 'PATCH']) expect((await fetch('/all_methods', { method, body: '' })).text()).toBe(method);
      expect((await fetch('/all_methods', { method: 'HEAD' })).body.length).toBe(0);
      if (server.customMethods) expect((await fetch('/all_methods', { method: 'OTHER', allowNonstandardMethods: true })).text()).toBe('OTHER');
    });

    it('refuses a missing or unexpected body unless allowNonstandardMethods (test_body_sanity_checks)', async () => {
      for (const method of ['POST', 'PUT', 'PATCH']) {
        await expect(fetch('/all_methods', { method })).rejects.toThrow(/must not be null/);
        expect((await fetch('/all_methods', { method, allowNonstandardMethods: true })).code).toBe(200);
      }
      for (const method of ['GET', 'DELETE', 'OPTIONS']) {
        await expect(fetch('/all_methods', { method, body: 'asdf' })).rejects.toThrow(/must be null/);
        if (method !== 'GET') expect((await fetch('/all_methods', { method, body: 'asdf', allowNonstandardMethods: true })).code).toBe(200);
      }
      await expect(fetch('/all_methods', { method: 'OTHER' })).rejects.toThrow(/Unknown method/);
    });

    it('reports sane times (test_response_times) and accepts zero timeouts (test_zero_timeout)', async () => {
      const before = Date.now();
      const response = await fetch('/hello');
      expect(response.requestTime).toBeGreaterThanOrEqual(0);
      expect(response.requestTime).toBeLessThan(1000);
      expect(Math.abs((response.startTime as number) - before)).toBeLessThan(1000);
      for (const value of Object.values(response.timeInfo ?? {})) expect(value).toBeGreaterThanOrEqual(0);
      for (const timeouts of [{ connectTimeout: 0 }, { requestTimeout: 0 }, { connectTimeout: 0, requestTimeout: 0 }]) {
        expect((await fetch('/hello', timeouts)).code).toBe(200);
      }
    });

    it('handles HEAD, OPTIONS and 204 (test_head_request, test_options_request, test_no_content)', async () => {
      const head = await fetch('/head', { method: 'HEAD' });
      expect(head.code).toBe(200);
      expect(head.headers.get('content-length')).toBe('7');
      expect(head.body.length).toBe(0);
      const options = await fetch('/options', { method: 'OPTIONS' });
      expect(options.headers.get('content-length')).toBe('2');
      expect(options.headers.get('access-control-allow-origin')).toBe('*');
      expect(options.text()).toBe('ok');
      const noContent = await fetch('/no_content');
      expect(noContent.code).toBe(204);
      expect(noContent.headers.has('Content-Length')).toBe(false);
    });

    it('streams bodies from a producer, chunked or with Content-Length (test_*_body_producer_*)', async () => {
      const syncProducer = (write: (chunk: string) => Promise<void>) => {
        void write('1234');
        void write('5678');
      };
      const asyncProducer = async (write: (chunk: string) => Promise<void>) => {
        await write('1234');
        await new Promise((resolve) => setImmediate(resolve));
        await write('5678');
      };
      for (const bodyProducer of [syncProducer, asyncProducer]) {
        for (const headers of [{}, { 'Content-Length': '8' }] as Record<string, string>[]) {
          const response = await fetch('/echopost', { method: 'POST', bodyProducer, headers });
          expect(response.code).toBe(200);
          expect(response.text()).toBe('12345678');
        }
      }
    });

    it('waits for 100 Continue before sending the body (test_100_continue)', async () => {
      const response = await fetch('/echopost', { method: 'POST', body: '1234', expect100Continue: true });
      expect(response.text()).toBe('1234');
    });

    it('reuses one TCP connection for 20 sequential requests', async () => {
      const ports = new Set<string>();
      for (let i = 0; i < 20; i++) ports.add((await fetch('/peer_port')).text());
      expect(ports.size).toBe(1);
    });
  });
}
