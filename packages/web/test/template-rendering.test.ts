// Templates rendered by request handlers: render(), renderString(), getTemplateNamespace(), the
// template loader per application and path, autoescape/whitespace settings and debug reloading.
// Checklist: tornado/test/web_test.py (test_render_method_return_future, GetCurrentUserTest,
// the template parts of WSGISafeWebTest) and DESIGN.md's web contract for templates.
// Not applicable: Tornado's fallback to the calling file's directory when there is no
// template_path (Node has no caller frame to ask: a clear MissingSettingError instead, tested);
// the global RequestHandler._template_loaders (loaders are kept per Application, tested);
// test_optional_path (a routing case, covered by the routing tests); template_test.py has no
// handler interplay (its Loader cases are in the template package).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DictLoader, Loader, type BaseLoader } from '@tornado-ts/template';
import { appLog, expectLog } from '@tornado-ts/ioloop';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ApplicationSettingsInput } from '../src/settings';
import { HTTPError } from '../src/errors';
import { RequestHandler } from '../src/request-handler';
import type { RouteSpec } from '../src/routing';
import { url } from '../src/routing';
import { buildTemplateNamespace } from '../src/template-rendering';
import { closeAll, muteAccessLog, serveRoutes } from './helpers';

const TEMPLATES = join(import.meta.dirname, 'fixtures', 'templates');

afterEach(closeAll);
muteAccessLog();
const serve = serveRoutes;

/** A handler that renders the template named by the `name` argument with `kwargs` from JSON in `ns`. */
class RenderHandler extends RequestHandler {
  async get() {
    const namespace = JSON.parse(this.getArgument('ns', '{}')) as Record<string, unknown>;
    await this.render(this.getArgument('name'), namespace);
  }
}

describe('render()', () => {
  it('renders a file from templatePath as the response, HTML-escaped by default', async () => {
    const get = await serve([['/', RenderHandler]], { templatePath: TEMPLATES });
    const ns = encodeURIComponent(JSON.stringify({ title: 'T&C', message: '<script>' }));
    const response = await get(`/?name=page.html&ns=${ns}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.body).toBe(
      '<html><head><title>T&amp;C</title></head>\n<body><p>&lt;script&gt;</p></body></html>\n',
    );
  });

  it('returns a promise that resolves once the response is finished', async () => {
    let returned: unknown;
    class Handler extends RequestHandler {
      override createTemplateLoader(): BaseLoader {
        return new DictLoader({ 'foo.html': 'hi' });
      }
      async get() {
        returned = this.render('foo.html');
        await returned;
      }
    }
    const get = await serve([['/', Handler]]);
    const response = await get('/');
    expect(response.body).toBe('hi');
    expect(returned).toBeInstanceOf(Promise);
    expect(returned && (await returned)).toBeUndefined();
  });

  it('refuses to render after finish()', async () => {
    let caught: unknown;
    class Handler extends RequestHandler {
      async get() {
        await this.finish('done');
        try {
          await this.render('greeting.html', { name: 'x' });
        } catch (error) {
          caught = error;
        }
      }
    }
    const get = await serve([['/', Handler]], { templatePath: TEMPLATES });
    expect((await get('/')).body).toBe('done');
    expect(caught).toBeInstanceOf(Error);
    expect(String(caught)).toMatch(/finish/i);
  });

  it('answers 500 for a missing template and for a template error, and keeps serving', async () => {
    const loader = new DictLoader({ 'bad.html': 'line 1\n{{ missing.value }}', 'ok.html': 'fine' });
    const get = await serve([['/', RenderHandler]], { templateLoader: loader });
    const missing = await expectLog(appLog, /TemplateNotFoundError: Template not found: nope\.html/, () => get('/?name=nope.html'));
    expect(missing.status).toBe(500);
    const broken = await expectLog(appLog, /TemplateRuntimeError: .* at bad\.html:2/, () => get('/?name=bad.html'));
    expect(broken.status).toBe(500);
    expect(await get('/?name=ok.html')).toMatchObject({ status: 200, body: 'fine' });
  });

  it('never reads outside the template directory, whatever name a client sends', async () => {
    const get = await serve([['/', RenderHandler]], { templatePath: join(TEMPLATES, 'other') });
    for (const name of ['../page.html', 'a/../../page.html', '/etc/passwd', '..%2fpage.html', '..\\page.html']) {
      const response = await expectLog(appLog, /TemplatePathError|TemplateNotFoundError/, () => get(`/?name=${encodeURIComponent(name)}`));
      expect(response.status, name).toBe(500);
      expect(response.body, name).not.toContain('<p>');
    }
  });

  it('lets an HTTPError thrown inside template code set the status', async () => {
    class Handler extends RequestHandler {
      override createTemplateLoader(): BaseLoader {
        return new DictLoader({ 'guard.html': 'before {{ deny() }} after' });
      }
      async get() {
        await this.render('guard.html', {
          deny: () => {
            throw new HTTPError(403);
          },
        });
      }
    }
    const get = await serve([['/', Handler]]);
    expect((await get('/')).status).toBe(403);
  });

  it('fails with a MissingSettingError when no template path or loader is configured', async () => {
    let caught: unknown;
    class Handler extends RequestHandler {
      get() {
        try {
          this.renderString('page.html');
        } catch (error) {
          caught = error;
        }
        this.write('checked');
      }
    }
    const get = await serve([['/', Handler]]);
    expect((await get('/')).body).toBe('checked');
    expect(caught).toMatchObject({ name: 'MissingSettingError', code: 'TORNADO_ERR_MISSING_SETTING' });
  });
});

describe('renderString()', () => {
  it('returns the rendered template without writing it', async () => {
    class Handler extends RequestHandler {
      get() {
        const html = this.renderString('greeting.html', { name: '<Ben>' });
        this.write({ html });
      }
    }
    const get = await serve([['/', Handler]], { templatePath: TEMPLATES });
    const response = await get('/');
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect(JSON.parse(response.body)).toEqual({ html: 'Hello &lt;Ben&gt;!\n' });
  });

  it('names the template and line of an error in the template code', async () => {
    let message = '';
    class Handler extends RequestHandler {
      get() {
        try {
          this.renderString('bad.html');
        } catch (error) {
          message = String(error);
        }
        this.write('ok');
      }
    }
    const loader = new DictLoader({ 'bad.html': 'one\ntwo {{ nothing.here }}' });
    await (await serve([['/', Handler]], { templateLoader: loader }))('/');
    expect(message).toMatch(/TemplateRuntimeError.*bad\.html:2/);
  });
});

describe('the template namespace', () => {
  it("holds Tornado's names: handler, request, currentUser, locale, _, pgettext, reverseUrl, xsrfFormHtml, escape helpers", async () => {
    class Handler extends RequestHandler {
      override getCurrentUser() {
        return 'ben';
      }
      async get() {
        await this.render('namespace.html');
      }
    }
    const get = await serve([url('/ns', Handler), url('/item/([0-9]+)', Handler, { name: 'item' })], {
      templatePath: TEMPLATES,
    });
    const { body } = await get('/ns?x=1');
    expect(body).toContain('handler=Handler ');
    expect(body).toContain('uri=/ns?x=1 ');
    expect(body).toContain('user=ben ');
    expect(body).toContain('locale=en_US ');
    expect(body).toContain('translated=Hello ');
    expect(body).toContain('pgettext=Hello ');
    expect(body).toContain('reverse=/item/7 ');
    expect(body).toMatch(/xsrf=<input type="hidden" name="_xsrf" value="[^"]+"\/?> /);
    expect(body).toContain('escape=&lt;b&gt; a&amp;b a+b {"a":"<\\/"} a b see <a href="http://x.org">http://x.org</a>');
  });

  it('gives staticUrl, versioned for files of staticPath', async () => {
    const loader = new DictLoader({ 's.html': '{{ staticUrl("app.js") }}|{{ staticUrl("app.js", { includeVersion: false }) }}' });
    const get = await serve([['/', RenderHandler]], { templateLoader: loader, staticPath: join(TEMPLATES, 'static') });
    const { body } = await get('/?name=s.html');
    expect(body).toMatch(/^\/static\/app\.js\?v=[0-9a-f]+\|\/static\/app\.js$/);
  });

  it('lets render arguments win over the handler namespace', async () => {
    class Handler extends RequestHandler {
      override getCurrentUser() {
        return 'real';
      }
      async get() {
        await this.render('user.html', { currentUser: 'given', request: null });
      }
    }
    const loader = new DictLoader({ 'user.html': '{{ currentUser }}|{{ request }}' });
    const get = await serve([['/', Handler]], { templateLoader: loader });
    expect((await get('/')).body).toBe('given|');
  });

  it('uses an overridden getTemplateNamespace', async () => {
    class Handler extends RequestHandler {
      override getTemplateNamespace() {
        return { ...super.getTemplateNamespace(), siteName: 'Example', shout: (s: string) => s.toUpperCase() };
      }
      async get() {
        await this.render('site.html', { siteName: 'Override' });
      }
    }
    class Plain extends Handler {
      override async get() {
        await this.render('site.html');
      }
    }
    const loader = new DictLoader({ 'site.html': '{{ shout(siteName) }} {{ request.path }}' });
    const get = await serve([['/', Handler], ['/plain', Plain]], { templateLoader: loader });
    expect((await get('/')).body).toBe('OVERRIDE /');
    expect((await get('/plain')).body).toBe('EXAMPLE /plain');
  });

  it('computes currentUser only when a template uses it (GetCurrentUserTest)', async () => {
    const loader = new DictLoader({ 'without_user.html': 'nothing', 'with_user.html': '{{ currentUser }}' });
    class CurrentUserHandler extends RequestHandler {
      loaded = false;
      override getCurrentUser() {
        this.loaded = true;
        return 'someone';
      }
    }
    class WithoutUser extends CurrentUserHandler {
      get() {
        this.renderString('without_user.html');
        this.write(String(this.loaded));
      }
    }
    class WithUser extends CurrentUserHandler {
      get() {
        const html = this.renderString('with_user.html');
        this.write(`${this.loaded} ${html}`);
      }
    }
    const get = await serve([['/without_user', WithoutUser], ['/with_user', WithUser]], { templateLoader: loader });
    expect((await get('/without_user')).body).toBe('false');
    expect((await get('/with_user')).body).toBe('true someone');
  });

  it('is a fresh object per call, so render arguments never leak into the next request', async () => {
    class Handler extends RequestHandler {
      get() {
        const first = buildTemplateNamespace(this);
        const second = buildTemplateNamespace(this);
        const secret = this.getArgument('secret', null);
        const html = this.renderString('leak.html', secret === null ? {} : { secret });
        this.write({ distinct: first !== second, html });
      }
    }
    const loader = new DictLoader({ 'leak.html': '{{ typeof secret === "undefined" ? "none" : secret }}' });
    const get = await serve([['/', Handler]], { templateLoader: loader });
    expect(JSON.parse((await get('/?secret=s3')).body)).toEqual({ distinct: true, html: 's3' });
    expect(JSON.parse((await get('/')).body)).toEqual({ distinct: true, html: 'none' });
  });
});

describe('template loaders and settings', () => {
  it('escapes with the autoescape setting: null turns escaping off, a function replaces it', async () => {
    const routes: RouteSpec[] = [['/', RenderHandler]];
    const ns = encodeURIComponent(JSON.stringify({ name: '<b>' }));
    const escaped = await serve(routes, { templatePath: TEMPLATES });
    const raw = await serve(routes, { templatePath: TEMPLATES, autoescape: null });
    const custom = await serve(routes, { templatePath: TEMPLATES, autoescape: (s: string) => `[${s}]` });
    // Three applications on one template path: each has its own loader with its own settings.
    expect((await escaped(`/?name=greeting.html&ns=${ns}`)).body).toBe('Hello &lt;b&gt;!\n');
    expect((await raw(`/?name=greeting.html&ns=${ns}`)).body).toBe('Hello <b>!\n');
    expect((await custom(`/?name=greeting.html&ns=${ns}`)).body).toBe('Hello [<b>]!\n');
  });

  it('passes templateWhitespace to the loader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-ws-'));
    try {
      writeFileSync(join(dir, 'spaced.html'), '<p>\n\n   a   b\n</p>');
      const collapsed = await serve([['/', RenderHandler]], { templatePath: dir });
      const kept = await serve([['/', RenderHandler]], { templatePath: dir, templateWhitespace: 'all' });
      const oneline = await serve([['/', RenderHandler]], { templatePath: dir, templateWhitespace: 'oneline' });
      expect((await collapsed('/?name=spaced.html')).body).toBe('<p>\na b\n</p>');
      expect((await kept('/?name=spaced.html')).body).toBe('<p>\n\n   a   b\n</p>');
      expect((await oneline('/?name=spaced.html')).body).toBe('<p> a b </p>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses the templateLoader setting instead of templatePath', async () => {
    const loader = new DictLoader({ 'greeting.html': 'From the dict {{ name }}' });
    const get = await serve([['/', RenderHandler]], { templatePath: TEMPLATES, templateLoader: loader });
    expect((await get('/?name=greeting.html&ns=%7B%22name%22%3A%22x%22%7D')).body).toBe('From the dict x');
  });

  it('finds templates through each handler’s getTemplatePath()', async () => {
    class Main extends RequestHandler {
      async get() {
        await this.render('greeting.html', { name: 'a' });
      }
    }
    class Other extends Main {
      override getTemplatePath() {
        return join(TEMPLATES, 'other');
      }
    }
    const get = await serve([['/main', Main], ['/other', Other]], { templatePath: TEMPLATES });
    expect((await get('/main')).body).toBe('Hello a!\n');
    expect((await get('/other')).body).toBe('Other hello a!\n');
    expect((await get('/main')).body).toBe('Hello a!\n');
  });

  it('makes one loader per application and path, and keeps templates compiled by default', async () => {
    const made: string[] = [];
    class Handler extends RequestHandler {
      override createTemplateLoader(path: string | undefined): BaseLoader {
        made.push(String(path));
        return new Loader(String(path));
      }
      async get() {
        await this.render('t.html');
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'tt-cache-'));
    try {
      writeFileSync(join(dir, 't.html'), 'first');
      const get = await serve([['/', Handler]], { templatePath: dir });
      expect((await get('/')).body).toBe('first');
      writeFileSync(join(dir, 't.html'), 'second version');
      expect((await get('/')).body).toBe('first');
      expect(made).toEqual([dir]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('debug mode reloads changed templates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-debug-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    for (const settings of [{ debug: true }, { compiledTemplateCache: false }] as ApplicationSettingsInput[]) {
      it(`with ${JSON.stringify(settings)}`, async () => {
        const file = `t${Object.keys(settings)[0]}.html`;
        writeFileSync(join(dir, file), 'old {% include "part.html" %}');
        writeFileSync(join(dir, 'part.html'), 'part');
        const get = await serve([['/', RenderHandler]], { templatePath: dir, ...settings });
        expect((await get(`/?name=${file}`)).body).toBe('old part');
        writeFileSync(join(dir, file), 'new!! {% include "part.html" %}');
        expect((await get(`/?name=${file}`)).body).toBe('new!! part');
        writeFileSync(join(dir, 'part.html'), 'changed part');
        expect((await get(`/?name=${file}`)).body).toBe('new!! changed part');
      });
    }

    it('empties a templateLoader that is not a file loader once per request', async () => {
      const sources: Record<string, string> = { 'd.html': 'v1' };
      const get = await serve([['/', RenderHandler]], { templateLoader: new DictLoader(sources), debug: true });
      expect((await get('/?name=d.html')).body).toBe('v1');
      sources['d.html'] = 'v2';
      expect((await get('/?name=d.html')).body).toBe('v2');
    });
  });
});
