// UI modules and UI methods in handler templates: `{% module Name(...) %}`, the built-in modules
// (linkify, xsrfFormHtml, Template with setResources) and the CSS/JS/head/body resources render()
// puts into the page. Checklist: tornado/test/web_test.py test_uimodule_unescaped,
// test_uimodule_resources (byte for byte), UIMethodUIModuleTest.test_ui_method,
// GetCurrentUserTest's module cases, and web.py's render() resource rules.
// Not applicable: Python module objects as ui_modules/ui_methods (a JS module namespace object,
// `import * as`, plays that part and is tested through loadUIModules/loadUIMethods).

import { join } from 'node:path';
import { DictLoader } from '@tornado-ts/template';
import { appLog, expectLog } from '@tornado-ts/ioloop';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApplicationSettingsInput } from '../src/settings';
import { HTTPError } from '../src/errors';
import { RequestHandler } from '../src/request-handler';
import { TemplateModule } from '../src/template-module';
import { DEFAULT_UI_MODULES, loadUIMethods, loadUIModules } from '../src/template-ui-registry';
import { LinkifyModule, UIModule, XsrfFormHtmlModule } from '../src/ui-module';
import { closeAll, muteAccessLog, serveRoutes } from './helpers';

const TEMPLATES = join(import.meta.dirname, 'fixtures', 'templates');

afterEach(closeAll);
muteAccessLog();
const serve = serveRoutes;

/** Renders the template named by the `name` argument. */
class PageHandler extends RequestHandler {
  async get() {
    await this.render(this.getArgument('name'), { entries: [1, 2], message: 'http://example.com' });
  }
}

async function renderPage(sources: Record<string, string>, settings: ApplicationSettingsInput = {}, name = 'page.html') {
  const get = await serve([['/', PageHandler]], { templateLoader: new DictLoader(sources), ...settings });
  return get(`/?name=${encodeURIComponent(name)}`);
}

/** Renders like {@link renderPage} and expects a 500 whose logged error matches `logged`. */
async function renderFailure(logged: RegExp, sources: Record<string, string>, settings: ApplicationSettingsInput = {}, name = 'page.html') {
  const response = await expectLog(appLog, logged, () => renderPage(sources, settings, name));
  expect(response.status).toBe(500);
  return response;
}

describe('built-in modules', () => {
  it('linkify writes its HTML unescaped (test_uimodule_unescaped)', async () => {
    const response = await renderPage({ 'linkify.html': '{% module linkify(message) %}' }, { autoescape: 'xhtmlEscape' }, 'linkify.html');
    expect(response.body).toBe('<a href="http://example.com">http://example.com</a>');
  });

  it('linkify takes the options of escape.linkify and escapes the rest of the text', async () => {
    const response = await renderPage(
      { 'l.html': '{% module linkify("<b> www.example.com", { extraParams: \'rel="nofollow"\' }) %}' },
      {},
      'l.html',
    );
    expect(response.body).toBe('&lt;b&gt; <a href="http://www.example.com" rel="nofollow">www.example.com</a>');
  });

  it('xsrfFormHtml writes the hidden _xsrf field', async () => {
    const response = await renderPage({ 'x.html': '<form>{% module xsrfFormHtml() %}</form>' }, {}, 'x.html');
    expect(response.body).toMatch(/^<form><input type="hidden" name="_xsrf" value="[^"<>]+"\/?><\/form>$/);
  });

  it('are the defaults, overridable by name', () => {
    expect(DEFAULT_UI_MODULES).toEqual({ linkify: LinkifyModule, xsrfFormHtml: XsrfFormHtmlModule, Template: TemplateModule });
    class MyLinkify extends UIModule {
      override render() {
        return 'mine';
      }
    }
    expect(loadUIModules({ linkify: MyLinkify }).linkify).toBe(MyLinkify);
    expect(loadUIModules().Template).toBe(TemplateModule);
  });
});

describe('the Template module and setResources', () => {
  const sources = {
    'page.html': `<html><head></head><body>
{% for e in entries %}
{% module Template("entry.html", { entry: e }) %}
{% end %}
</body></html>`,
    'entry.html': `{{ setResources({ embeddedCss: ".entry { margin-bottom: 1em; }",
                 embeddedJavascript: "js_embed()",
                 cssFiles: ["/base.css", "/foo.css"],
                 javascriptFiles: "/common.js",
                 htmlHead: "<meta>",
                 htmlBody: '<script src="/analytics.js"/>' }) }}
<div class="entry">...</div>`,
  };

  it('puts each resource in its place once, as Tornado does (test_uimodule_resources)', async () => {
    const response = await renderPage(sources, { autoescape: 'xhtmlEscape' });
    expect(response.body).toBe(`<html><head><link href="/base.css" type="text/css" rel="stylesheet"/><link href="/foo.css" type="text/css" rel="stylesheet"/>
<style type="text/css">
.entry { margin-bottom: 1em; }
</style>
<meta>
</head><body>


<div class="entry">...</div>


<div class="entry">...</div>

<script src="/common.js" type="text/javascript"></script>
<script type="text/javascript">
//<![CDATA[
js_embed()
//]]>
</script>
<script src="/analytics.js"/>
</body></html>`);
  });

  it('renders with its own namespace (the handler’s plus the given entries), not the caller’s variables', async () => {
    const response = await renderPage(
      {
        'page.html': '{% set local = "caller" %}{% module Template("inner.html", { given: 1 }) %}',
        'inner.html': '{{ given }} {{ typeof local }} {{ request.path }} {{ typeof setResources }}',
      },
      {},
    );
    expect(response.body).toBe('1 undefined / function');
  });

  it('collects resources from templates of templates, in first-use order, relative files through staticUrl', async () => {
    const response = await renderPage(
      {
        'page.html': '<html><head></head><body>{% module Template("widgets/box.html", { label: "x" }) %}{% module Template("outer.html") %}</body></html>',
        'outer.html': '{{ setResources({ javascriptFiles: ["app.js", "https://cdn.example/x.js"] }) }}[{% module Template("widgets/box.html", { label: "y" }) %}]',
        'widgets/box.html': '{{ setResources({ cssFiles: "box.css", javascriptFiles: ["//cdn.example/lib.js", "app.js"] }) }}<b>{{ label }}</b>',
      },
      { staticPath: join(TEMPLATES, 'static') },
    );
    expect(response.status).toBe(200);
    const version = /\/static\/app\.js\?v=([0-9a-f]+)/.exec(response.body)?.[1];
    expect(version).toBeDefined();
    expect(response.body).toMatch(
      /^<html><head><link href="\/static\/box\.css\?v=[0-9a-f]+" type="text\/css" rel="stylesheet"\/>\n<\/head><body><b>x<\/b>\[<b>y<\/b>\]/,
    );
    expect(response.body).toContain(
      '<script src="//cdn.example/lib.js" type="text/javascript"></script>' +
        `<script src="/static/app.js?v=${version}" type="text/javascript"></script>` +
        '<script src="https://cdn.example/x.js" type="text/javascript"></script>\n</body></html>',
    );
  });

  it('works with template files, the resources of a file rendered twice appearing once', async () => {
    const get = await serve([['/', PageHandler]], { templatePath: TEMPLATES, staticPath: join(TEMPLATES, 'static') });
    const { status, body } = await get('/?name=with-box.html');
    expect(status).toBe(200);
    expect(body).toMatch(
      /^<html><head><link href="\/static\/box\.css\?v=[0-9a-f]+" type="text\/css" rel="stylesheet"\/>\n<style type="text\/css">\n\.box \{ border: 1px; \}\n<\/style>\n<\/head><body><div class="box">one<\/div>\n?<div class="box">two<\/div>\n?<\/body><\/html>\n$/,
    );
  });

  it('refuses different resources for the same template, and unknown or mistyped keys', async () => {
    await renderFailure(/UIModuleError: setResources\(\) was called with different resources for the same template r\.html/, {
      'page.html': '<html><head></head><body>{% module Template("r.html", { css: "a.css" }) %}{% module Template("r.html", { css: "b.css" }) %}</body></html>',
      'r.html': '{{ setResources({ cssFiles: css }) }}',
    });
    const same = await renderPage(
      {
        'page.html': '<html><head></head><body>{% module Template("r.html") %}{% module Template("r.html") %}</body></html>',
        'r.html': '{{ setResources({ cssFiles: ["/a.css"], htmlHead: "<meta>" }) }}',
      },
      {},
    );
    expect(same.status).toBe(200);
    for (const call of ['{ embedded_css: "x" }', '{ cssFiles: 42 }', '{ htmlBody: ["x"] }', '"x"', 'null']) {
      await renderFailure(/UIModuleError: setResources\(\) in r\.html (got|expects)/, {
        'page.html': '<html><head></head><body>{% module Template("r.html") %}</body></html>',
        'r.html': `{{ setResources(${call}) }}`,
      });
    }
  });
});

describe('custom modules', () => {
  class Widget extends UIModule {
    static made = 0;
    calls = 0;
    constructor(handler: RequestHandler) {
      super(handler);
      Widget.made++;
    }
    override render(label: string) {
      this.calls++;
      return `<i>${label}#${this.calls}</i>`;
    }
    override embeddedJavascript() {
      return 'widget()';
    }
    override javascriptFiles() {
      return ['widget.js', '/abs.js', 'widget.js'];
    }
    override embeddedCss() {
      return 'i { color: red }';
    }
    override cssFiles() {
      return 'http://cdn.example/w.css?a=1&b="2"';
    }
    override htmlHead() {
      return '<meta name="w">';
    }
    override htmlBody() {
      return '<div id="w-end"></div>';
    }
  }
  class Plain extends UIModule {
    override render() {
      return `<u>${String(this.currentUser)} ${this.locale.code} ${this.request.path}</u>`;
    }
  }
  class Unfinished extends UIModule {}
  const settings: ApplicationSettingsInput = {
    uiModules: { Widget, Plain, Unfinished },
    staticPath: join(TEMPLATES, 'static'),
  };

  it('use one instance per request, and their resources appear once', async () => {
    Widget.made = 0;
    const sources = {
      'page.html': '<html><head><title>t</title></head><body>{% module Widget("a") %}{% module Widget("b") %}</body></html>',
    };
    const first = await renderPage(sources, settings);
    expect(first.body).toMatch(/^<html><head><title>t<\/title><link href="http:\/\/cdn\.example\/w\.css\?a=1&amp;b=&quot;2&quot;" type="text\/css" rel="stylesheet"\/>\n<style type="text\/css">\ni { color: red }\n<\/style>\n<meta name="w">\n<\/head><body><i>a#1<\/i><i>b#2<\/i><script src="\/static\/widget\.js(\?v=[0-9a-f]*)?" type="text\/javascript"><\/script><script src="\/abs\.js" type="text\/javascript"><\/script>\n<script type="text\/javascript">\n\/\/<!\[CDATA\[\nwidget\(\)\n\/\/\]\]>\n<\/script>\n<div id="w-end"><\/div>\n<\/body><\/html>$/);
    const second = await renderPage(sources, settings);
    expect(second.body).toContain('<i>a#1</i><i>b#2</i>');
    expect(Widget.made).toBe(2);
  });

  it('see the handler’s request, currentUser and locale', async () => {
    class Handler extends PageHandler {
      override getCurrentUser() {
        return 'ann';
      }
    }
    const get = await serve([['/p', Handler]], { ...settings, templateLoader: new DictLoader({ 'u.html': '{% module Plain() %}' }) });
    expect((await get('/p?name=u.html')).body).toBe('<u>ann en_US /p</u>');
  });

  it('are escaped when called as modules.Name() inside {{ }}', async () => {
    // The Widget's resources need a </head> this fragment lacks.
    await renderFailure(/UIModuleError: The page has no <\/head>/, { 'e.html': '{{ modules.Widget("x") }}' }, settings, 'e.html');
    const fragment = await renderPage({ 'e.html': '{{ modules.Plain() }}|{% module Plain() %}' }, settings, 'e.html');
    expect(fragment.body).toBe('&lt;u&gt;null en_US /&lt;/u&gt;|<u>null en_US /</u>');
  });

  it('need a </head> and </body> only for the resources they add', async () => {
    await renderFailure(/UIModuleError: The page has no <\/head>/, { 'f.html': '<body>{% module Widget("x") %}</body>' }, settings, 'f.html');
    await renderFailure(/UIModuleError: The page has no <\/body>/, { 'f.html': '<head></head>{% module Widget("x") %}' }, settings, 'f.html');
    const plain = await renderPage({ 'f.html': '{% module Plain() %}' }, settings, 'f.html');
    expect(plain).toMatchObject({ status: 200, body: '<u>null en_US /</u>' });
  });

  it('place resources by the page as rendered, even when resources contain the markers', async () => {
    class Tricky extends UIModule {
      override render() {
        return '';
      }
      override embeddedCss() {
        return '/* </head> */';
      }
      override htmlHead() {
        return '<meta name="after-css">';
      }
      override embeddedJavascript() {
        return 'document.write("</body>")';
      }
      override htmlBody() {
        return '<p>end</p>';
      }
    }
    const response = await renderPage(
      { 'page.html': '<html><head></head><body>{% module Tricky() %}</body></html>' },
      { uiModules: { Tricky } },
    );
    expect(response.body).toBe(
      '<html><head><style type="text/css">\n/* </head> */\n</style>\n<meta name="after-css">\n</head><body>' +
        '<script type="text/javascript">\n//<![CDATA[\ndocument.write("</body>")\n//]]>\n</script>\n<p>end</p>\n</body></html>',
    );
  });

  it('fail clearly when render() is not overridden or the module is unknown', async () => {
    await renderFailure(/UIModuleError: Unfinished does not override render\(\) at u\.html:1/, { 'u.html': '{% module Unfinished() %}' }, settings, 'u.html');
    await renderFailure(/TypeError: _tt_modules\.Nowhere is not a function at u\.html:1/, { 'u.html': '{% module Nowhere() %}' }, settings, 'u.html');
    let message = '';
    class Handler extends RequestHandler {
      get() {
        try {
          this.renderString('u.html');
        } catch (error) {
          message = String(error);
        }
        this.write('ok');
      }
    }
    const get = await serve([['/', Handler]], { ...settings, templateLoader: new DictLoader({ 'u.html': '\n{% module Unfinished() %}' }) });
    await get('/');
    expect(message).toMatch(/Unfinished does not override render\(\).*u\.html:2/);
  });

  it('can answer with an HTTPError', async () => {
    class Gate extends UIModule {
      override render(): string {
        throw new HTTPError(404);
      }
    }
    const response = await renderPage({ 'page.html': 'a {% module Gate() %}' }, { uiModules: { Gate } });
    expect(response.status).toBe(404);
  });

  it('may change the markup of resources through the handler (renderLinkedJs and friends)', async () => {
    class Handler extends PageHandler {
      renderLinkedJs(files: readonly string[]) {
        return `<script defer src="${files.join(',')}"></script>`;
      }
      renderEmbedJs(parts: readonly string[]) {
        return `<script>${parts.join(';')}</script>`;
      }
      renderLinkedCss(files: readonly string[]) {
        return `<!-- css ${files.length} -->`;
      }
      renderEmbedCss(parts: readonly string[]) {
        return `<style>${parts.join('')}</style>`;
      }
    }
    const get = await serve([['/', Handler]], {
      ...settings,
      templateLoader: new DictLoader({ 'page.html': '<head></head><body>{% module Widget("a") %}</body>' }),
    });
    expect((await get('/?name=page.html')).body).toBe(
      '<head><!-- css 1 -->\n<style>i { color: red }</style>\n<meta name="w">\n</head><body><i>a#1</i>' +
        '<script defer src="widget.js,/abs.js,widget.js"></script>\n<script>widget()</script>\n<div id="w-end"></div>\n</body>',
    );
  });

  it('render templates of their own with renderString()', async () => {
    class Card extends UIModule {
      override render(title: string) {
        return this.renderString('card.html', { title });
      }
    }
    const response = await renderPage(
      { 'page.html': '[{% module Card("<T>") %}]', 'card.html': '<h2>{{ title }}</h2>' },
      { uiModules: { Card } },
    );
    expect(response.body).toBe('[<h2>&lt;T&gt;</h2>]');
  });

  it('do not compute currentUser unless they use it (GetCurrentUserTest module cases)', async () => {
    class WithoutUserModule extends UIModule {
      override render() {
        return '';
      }
    }
    class WithUserModule extends UIModule {
      override render() {
        return String(this.currentUser);
      }
    }
    class CurrentUserHandler extends RequestHandler {
      loaded = false;
      override getCurrentUser() {
        this.loaded = true;
        return 'u';
      }
      get() {
        this.renderString(this.getArgument('name'));
        this.write(String(this.loaded));
      }
    }
    const loader = new DictLoader({
      'without_user_module.html': '{% module WithoutUserModule() %}',
      'with_user_module.html': '{% module WithUserModule() %}',
    });
    const get = await serve([['/', CurrentUserHandler]], { templateLoader: loader, uiModules: { WithoutUserModule, WithUserModule } });
    expect((await get('/?name=without_user_module.html')).body).toBe('false');
    expect((await get('/?name=with_user_module.html')).body).toBe('true');
  });
});

describe('UI methods', () => {
  it('are called with the handler first (UIMethodUIModuleTest.test_ui_method)', async () => {
    class Handler extends RequestHandler {
      async get() {
        await this.render('foo.html');
      }
      value() {
        return this.getArgument('value');
      }
    }
    const myUiMethod = (handler: RequestHandler, x: number) => `In myUiMethod(${x}) with handler value ${(handler as Handler).value()}.`;
    class MyModule extends UIModule {
      override render(x: number) {
        return `In MyModule(${x}) with handler value ${(this.handler as Handler).value()}.`;
      }
    }
    const get = await serve([['/', Handler]], {
      templateLoader: new DictLoader({ 'foo.html': '{{ myUiMethod(42) }} {% module MyModule(123) %}' }),
      uiMethods: { myUiMethod },
      uiModules: { MyModule },
    });
    expect((await get('/?value=asdf')).body).toBe('In myUiMethod(42) with handler value asdf. In MyModule(123) with handler value asdf.');
  });

  it('shadow the handler names of the same name, render arguments shadowing them in turn', async () => {
    const staticUrl = (_handler: RequestHandler, path: string) => `https://cdn.example/${path}`;
    const response = await renderPage(
      { 'page.html': '{{ staticUrl("a.css") }} {{ typeof modules.Template }}' },
      { uiMethods: { staticUrl, modules: () => 'not the modules' } },
    );
    expect(response.body).toBe('https://cdn.example/a.css function');
    class Handler extends RequestHandler {
      async get() {
        await this.render('args.html', { staticUrl: 'given' });
      }
    }
    const get = await serve([['/', Handler]], { templateLoader: new DictLoader({ 'args.html': '{{ staticUrl }}' }), uiMethods: { staticUrl } });
    expect((await get('/')).body).toBe('given');
  });

  it('and modules may be given as lists of records', async () => {
    class A extends UIModule {
      override render() {
        return 'A';
      }
    }
    class B extends UIModule {
      override render() {
        return 'B';
      }
    }
    const response = await renderPage(
      { 'page.html': '{% module A() %}{% module B() %}{{ one() }}{{ two() }}' },
      { uiModules: [{ A }, { B }], uiMethods: [{ one: () => 1 }, { two: () => 2 }] },
    );
    expect(response.body).toBe('AB12');
  });

  it('are read from module-like objects as Tornado does: private, capitalised and non-function names skipped', () => {
    class Box extends UIModule {}
    const helper = () => 'h';
    const namespace = { Box, helper, _private: helper, Upper: helper, notAFunction: 42, NotAModule: class {} };
    expect(Object.keys(loadUIModules(namespace)).sort()).toEqual(['Box', 'Template', 'linkify', 'xsrfFormHtml']);
    expect(loadUIMethods(namespace)).toEqual({ helper });
    expect(loadUIMethods([{ a: helper }, [{ b: helper }]])).toEqual({ a: helper, b: helper });
    expect(loadUIMethods({ '': helper })).toEqual({});
  });
});
