// Handler cases of Tornado's web_test.py that had no counterpart yet, in our words: which HTTP
// methods reach a handler (UnimplementedHTTPMethodsTest, UnimplementedNonStandardMethodsTest,
// AllHTTPMethodsTest), currentUser and locale assigned in prepare() instead of looked up
// (SetLazyPropertiesTest) and the browser locale from Accept-Language (AcceptLanguageTest).
// Not applicable: the allow_nonstandard_methods client flag (we send raw requests instead).
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Application, Locale, loadTranslations, RequestHandler, type RouteSpec } from '../src';
import { resetLocaleState } from '../src/locale';
import { closeAll, muteAccessLog, parseRawResponse, rawExchange, startServer } from './helpers';

muteAccessLog();
afterEach(closeAll);

async function serve(routes: RouteSpec[]) {
  return startServer(new Application(routes));
}

/** Sends `method /` (with an empty body where one is expected) and parses the answer. */
async function call(port: number, method: string, path = '/') {
  const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? 'Content-Length: 0\r\n' : '';
  return parseRawResponse(await rawExchange(port, `${method} ${path} HTTP/1.1\r\nHost: a\r\n${body}Connection: close\r\n\r\n`));
}

describe('which methods reach the handler', () => {
  it('a handler without methods answers 405 to every standard method (UnimplementedHTTPMethodsTest)', async () => {
    class Empty extends RequestHandler {}
    const { port } = await serve([['/', Empty]]);
    for (const method of ['HEAD', 'GET', 'DELETE', 'OPTIONS', 'POST', 'PUT']) {
      expect((await call(port, method)).status, method).toBe(405);
    }
  });

  it('PATCH unimplemented is 405 (UnimplementedNonStandardMethodsTest.test_unimplemented_patch)', async () => {
    class OnlyOther extends RequestHandler {
      other() {
        this.write('other');
      }
    }
    const { port } = await serve([['/', OnlyOther]]);
    expect((await call(port, 'PATCH')).status).toBe(405);
  });

  it('a method function outside SUPPORTED_METHODS is never called (UnimplementedNonStandardMethodsTest.test_unimplemented_other)', async () => {
    let called = false;
    class OnlyOther extends RequestHandler {
      other() {
        called = true;
        this.write('other');
      }
    }
    const { port } = await serve([['/', OnlyOther]]);
    const response = await call(port, 'OTHER');
    expect(response.status).toBe(405);
    expect(response.body).not.toContain('other');
    expect(called).toBe(false);
  });

  it('each standard method reaches its function; HEAD without head() sends no body (AllHTTPMethodsTest)', async () => {
    class All extends RequestHandler {
      echo() {
        this.write(this.request.method);
      }
      get() {
        this.echo();
      }
      delete() {
        this.echo();
      }
      options() {
        this.echo();
      }
      post() {
        this.echo();
      }
      put() {
        this.echo();
      }
    }
    const { port } = await serve([['/', All]]);
    expect((await call(port, 'HEAD')).body).toBe('');
    for (const method of ['GET', 'DELETE', 'OPTIONS', 'POST', 'PUT']) {
      const response = await call(port, method);
      expect(response.status, method).toBe(200);
      expect(response.body, method).toBe(method);
    }
  });
});

describe('currentUser and locale set directly (SetLazyPropertiesTest)', () => {
  it('assigning them in prepare() skips getCurrentUser() and getUserLocale() (test_set_properties)', async () => {
    class Assigned extends RequestHandler {
      override prepare() {
        this.currentUser = 'Ben';
        this.locale = Locale.get('en_US');
      }
      override getUserLocale(): Locale | null {
        throw new Error('getUserLocale must not be called');
      }
      override getCurrentUser(): unknown {
        throw new Error('getCurrentUser must not be called');
      }
      get() {
        this.write(`Hello ${String(this.currentUser)} (${this.locale.code})`);
      }
    }
    const { fetch } = await serve([['/', Assigned]]);
    const response = await fetch('/');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('Hello Ben (en_US)');
  });
});

describe('getBrowserLocale and Accept-Language (AcceptLanguageTest)', () => {
  class AcceptLanguageHandler extends RequestHandler {
    async get() {
      this.setHeader('Content-Language', this.getBrowserLocale().code.replace('_', '-'));
      await this.finish('');
    }
  }

  beforeAll(() => {
    // fr_FR becomes supported, as Tornado's test loads its translations first.
    loadTranslations(join(import.meta.dirname, 'fixtures', 'locale', 'csv'));
  });
  afterAll(() => resetLocaleState());

  async function contentLanguage(acceptLanguage: string): Promise<string | null> {
    const { fetch } = await serve([['/', AcceptLanguageHandler]]);
    const response = await fetch('/', { headers: { 'Accept-Language': acceptLanguage } });
    await response.arrayBuffer();
    return response.headers.get('content-language');
  }

  it('takes a weighted language, with or without a space before q (test_accept_language)', async () => {
    expect(await contentLanguage('fr-FR;q=0.9')).toBe('fr-FR');
    expect(await contentLanguage('fr-FR; q=0.9')).toBe('fr-FR');
  });

  it('ignores a language with q=0 (test_accept_language_ignore)', async () => {
    expect(await contentLanguage('fr-FR;q=0')).toBe('en-US');
  });

  it('ignores a language with an invalid q (test_accept_language_invalid)', async () => {
    expect(await contentLanguage('fr-FR;q=-1')).toBe('en-US');
  });
});
