// Argument and path-decoding cases of Tornado's web_test.py that had no counterpart yet, in our
// words: encoded question marks and UTF-8 in path groups and query arguments
// (RequestEncodingTest.test_group_question_mark, test_group_encoding), decodeArgument for named
// groups (WSGISafeWebTest.test_decode_argument, the decode_arg_kw route), and the singular
// getQueryArgument / getBodyArgument with a body and a query present at once
// (WSGISafeWebTest.test_get_query_arguments, test_get_body_arguments).
// Not applicable: test_decode_argument's "bytes" outcome (a decodeArgument returning bytes is a
// Python str/bytes distinction: ours always returns a string).
import { afterEach, describe, expect, it } from 'vitest';
import { Application, RequestHandler } from '../src';
import { closeAll, muteAccessLog, startServer } from './helpers';

muteAccessLog();
afterEach(closeAll);

/** Writes the raw path, the decoded path groups and the decoded query arguments (Tornado's EchoHandler). */
class EchoHandler extends RequestHandler {
  get(...pathArgs: string[]) {
    const args: Record<string, string[]> = {};
    for (const name of Object.keys(this.request.queryArguments)) args[name] = this.getQueryArguments(name);
    this.write({ path: this.request.path, pathArgs, args });
  }
}

describe('path groups and query arguments decode alike (RequestEncodingTest)', () => {
  it('an encoded question mark stays in the path and decodes in the group and the query (test_group_question_mark)', async () => {
    const { fetch } = await startServer(new Application([['/group/(.*)', EchoHandler]]));
    expect(await (await fetch('/group/%3F')).json()).toEqual({ path: '/group/%3F', pathArgs: ['?'], args: {} });
    expect(await (await fetch('/group/%3F?%3F=%3F')).json()).toEqual({ path: '/group/%3F', pathArgs: ['?'], args: { '?': ['?'] } });
  });

  it('UTF-8 decodes the same way in a path group and in a query argument (test_group_encoding)', async () => {
    const { fetch } = await startServer(new Application([['/group/(.*)', EchoHandler]]));
    expect(await (await fetch('/group/%C3%A9?arg=%C3%A9')).json()).toEqual({ path: '/group/%C3%A9', pathArgs: ['\u00e9'], args: { arg: ['\u00e9'] } });
  });
});

describe('decodeArgument (WSGISafeWebTest.test_decode_argument)', () => {
  /** Decodes with the encoding named by the raw `encoding` query argument (read raw to avoid recursion). */
  class DecodeArgHandler extends RequestHandler {
    override decodeArgument(value: Buffer, name?: string): string {
      const encoding = this.request.arguments.encoding?.[0]?.toString('latin1');
      return encoding === undefined ? super.decodeArgument(value, name) : value.toString(encoding === 'latin1' ? 'latin1' : 'utf8');
    }
    get(arg: string | Record<string, string>) {
      const path = typeof arg === 'string' ? arg : arg.arg;
      this.write({ path, query: this.getArgument('foo') });
    }
  }

  it('applies to positional and named groups and to arguments alike', async () => {
    const app = new Application([
      ['/decode_arg/(.*)', DecodeArgHandler],
      ['/decode_arg_kw/(?<arg>.*)', DecodeArgHandler],
    ]);
    const { fetch } = await startServer(app);
    for (const path of [
      '/decode_arg/%C3%A9?foo=%C3%A9&encoding=utf-8',
      '/decode_arg/%E9?foo=%E9&encoding=latin1',
      '/decode_arg_kw/%E9?foo=%E9&encoding=latin1',
    ]) {
      const response = await fetch(path);
      expect(response.status, path).toBe(200);
      expect(await response.json(), path).toEqual({ path: '\u00e9', query: '\u00e9' });
    }
  });
});

describe('singular query and body arguments beside each other (WSGISafeWebTest)', () => {
  class GetArgumentHandler extends RequestHandler {
    override async prepare() {
      const source = this.getArgument('source', null);
      const read = source === 'query'
        ? (name: string, fallback: string) => this.getQueryArgument(name, fallback)
        : source === 'body'
          ? (name: string, fallback: string) => this.getBodyArgument(name, fallback)
          : (name: string, fallback: string) => this.getArgument(name, fallback);
      await this.finish(read('foo', 'default'));
    }
  }

  async function post(fetch: (path: string, init?: RequestInit) => Promise<Response>, path: string, body: string) {
    const response = await fetch(path, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(200);
    return response.text();
  }

  it('getQueryArgument ignores the body: value, empty value, default (test_get_query_arguments)', async () => {
    const { fetch } = await startServer(new Application([['/get_argument', GetArgumentHandler]]));
    expect(await post(fetch, '/get_argument?source=query&foo=bar', 'foo=hello')).toBe('bar');
    expect(await post(fetch, '/get_argument?source=query&foo=', 'foo=hello')).toBe('');
    expect(await post(fetch, '/get_argument?source=query', 'foo=hello')).toBe('default');
  });

  it('getBodyArgument ignores the query: value, empty value, default (test_get_body_arguments)', async () => {
    const { fetch } = await startServer(new Application([['/get_argument', GetArgumentHandler]]));
    expect(await post(fetch, '/get_argument?source=body&foo=hello', 'foo=bar')).toBe('bar');
    expect(await post(fetch, '/get_argument?source=body&foo=hello', 'foo=')).toBe('');
    expect(await post(fetch, '/get_argument?source=body&foo=hello', '')).toBe('default');
  });
});
