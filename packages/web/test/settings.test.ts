// Application settings (DESIGN section 4): zod validation, misspelling detection, the app's own keys,
// and what debug implies (Tornado's Application.__init__). After web_test.py ApplicationTest.
import { describe, expect, test } from 'vitest';
import { Application, parseSettings, RequestHandler, SettingsError } from '../src/index';
import { suggestSetting } from '../src/settings';

describe('settings', () => {
  test('defaults are filled', () => {
    const settings = new Application([], {}).settings;
    expect(settings).toMatchObject({
      xsrfCookies: false, xsrfCookieVersion: 2, xsrfCookieName: '_xsrf', compiledTemplateCache: true, staticUrlPrefix: '/static/',
      staticHashCache: true, debug: false, autoreload: false, serveTraceback: false, compressResponse: false,
    });
  });

  test('a wrong type is an error naming the setting', () => {
    expect(() => parseSettings({ xsrfCookies: 'yes' } as never)).toThrow(SettingsError);
    expect(() => parseSettings({ xsrfCookies: 'yes' } as never)).toThrow(/'xsrfCookies'/);
    expect(() => parseSettings({ cookieSecret: 42 } as never)).toThrow(/'cookieSecret'/);
    expect(() => parseSettings({ cookieSecret: { 1: 'a', two: 'b' } } as never)).toThrow(/'cookieSecret/);
    expect(() => parseSettings({ xsrfCookieVersion: 3 } as never)).toThrow(/'xsrfCookieVersion'/);
    expect(() => parseSettings({ defaultHandlerClass: 'Handler' } as never)).toThrow(/'defaultHandlerClass'/);
    expect(() => parseSettings({ transforms: [1] } as never)).toThrow(/'transforms\.0'/);
    expect(() => parseSettings({ logFunction: 'console.log' } as never)).toThrow(/'logFunction'/);
    expect(() => new Application([], { loginUrl: 5 } as never)).toThrow(SettingsError);
  });

  test('snake_case forms and near misspellings of known settings are errors naming both', () => {
    expect(() => parseSettings({ cookie_secret: 'x' })).toThrow("unknown setting 'cookie_secret': did you mean 'cookieSecret'?");
    expect(() => parseSettings({ cookieSecrett: 'x' })).toThrow(/'cookieSecrett'.*'cookieSecret'/);
    expect(() => parseSettings({ xsrf_cookies: true })).toThrow(/'xsrfCookies'/);
    expect(() => parseSettings({ staticpath: '/x' })).toThrow(/'staticPath'/);
    expect(() => parseSettings({ compresResponse: true })).toThrow(/'compressResponse'/);
    expect(suggestSetting('login_url')).toBe('loginUrl');
    expect(suggestSetting('templatePth')).toBe('templatePath');
  });

  test("other keys are the application's own and kept as given", () => {
    const db = { query() {} };
    const settings = new Application([], { db, myFlag: 1, cookieSecret: 's' }).settings;
    expect(settings.db).toBe(db);
    expect(settings.myFlag).toBe(1);
    expect(suggestSetting('db')).toBeNull();
    expect(suggestSetting('database')).toBeNull();
  });

  test('debug implies autoreload, no template or static-hash cache, and tracebacks; explicit values win', () => {
    expect(parseSettings({ debug: true, autoreload: false })).toMatchObject({
      autoreload: false, compiledTemplateCache: false, staticHashCache: false, serveTraceback: true,
    });
    expect(parseSettings({ debug: true, autoreload: false, serveTraceback: false }).serveTraceback).toBe(false);
  });

  test('uiModules and uiMethods lists are merged onto the application', () => {
    class Handler extends RequestHandler {}
    const method = () => 'x';
    const app = new Application([['/', Handler]], { uiMethods: [{ a: method }, { b: method }] });
    expect(Object.keys(app.uiMethods)).toEqual(['a', 'b']);
  });

  test('settings must be an object', () => {
    expect(() => parseSettings(null as never)).toThrow(SettingsError);
  });
});
