// The template suite: renders per second of one page in each engine. A peer is one entry: its
// render worker (run in this folder; `node` means this Node binary), which renders the page in a
// loop in its own process (lib/work-loop.mjs), plus the workspace packages it measures (built
// first), the npm packages whose versions it reports, or a probe command as in the echo suite.
// Every worker reads page.json and its templates from templates/<engine>/.

/** EJS writes `"` as `&#34;`, the others as `&quot;`; that spelling is all the outputs may differ in. */
const normalizeOutput = (html) => html.replaceAll('&#34;', '&quot;');

export default {
  name: 'template',
  title: 'Rendering a page',
  about:
    'One page rendered to a string in a loop, in each peer\'s own process: a title, a block (or layout, or include) ' +
    'of a base template, a conditional, and a loop over 100 items whose names contain `<&>"` (`page.json`), all ' +
    'escaped by the engine\'s default HTML escaping. The templates say the same in each engine\'s syntax ' +
    '(`templates/<engine>/`); compiled templates are cached, as in production. Before measuring, the outputs are ' +
    'checked byte-equal (EJS\'s `&#34;` read as `&quot;`); a difference fails the suite. The figure is renders ' +
    'per second; **CPU** is the share of one core the worker used and **µs/op** its CPU time per render.',
  unit: 'renders/s',
  dir: new URL('./', import.meta.url),
  defaults: { duration: 1000, warmup: 1000 },
  normalizeOutput,
  peers: [
    {
      name: 'hand-written',
      about: 'the practical limit: string concatenation and a local `charCodeAt` escape loop (`handwritten-worker.mjs`)',
      command: ['node', 'handwritten-worker.mjs'],
    },
    {
      name: 'tornado-ts',
      about: '`@tornado-ts/template` dist, `page.html` extending `base.html` from a `DictLoader`, `generate(page)` (`tornado-ts-worker.mjs`)',
      command: ['node', 'tornado-ts-worker.mjs'],
      packages: ['@tornado-ts/template'],
    },
    {
      name: 'Eta',
      about: '`page.eta` with `layout("@base")`, both loaded by name with `loadTemplate`, `autoTrim: false` (`eta-worker.mjs`)',
      command: ['node', 'eta-worker.mjs'],
      npm: ['eta'],
    },
    {
      name: 'EJS',
      about: '`page.ejs` including `header.ejs` and `footer.ejs`, `cache: true`, `_with: false` (`ejs-worker.mjs`)',
      command: ['node', 'ejs-worker.mjs'],
      npm: ['ejs'],
    },
    {
      name: 'Handlebars',
      about: '`page.hbs` filling the inline partial `main` of the partial block `base.hbs` (`handlebars-worker.mjs`)',
      command: ['node', 'handlebars-worker.mjs'],
      npm: ['handlebars'],
    },
    {
      name: 'Nunjucks',
      about: '`page.njk` extending `base.njk`, `FileSystemLoader`, `autoescape: true` (`nunjucks-worker.mjs`)',
      command: ['node', 'nunjucks-worker.mjs'],
      npm: ['nunjucks'],
    },
    {
      name: 'Python Tornado',
      about: 'Debian python3-tornado, the same `page.html` and `base.html` from a `DictLoader`, `generate(**page)` (`tornado_worker.py`)',
      command: ['/usr/bin/python3', 'tornado_worker.py'],
      probe: ['/usr/bin/python3', '-c', 'import sys, tornado; print(f"Python {sys.version.split()[0]}, Tornado {tornado.version}")'],
    },
  ],
  baselines: ['hand-written', 'Eta', 'Python Tornado'],
  targets: [
    { peer: 'tornado-ts', baseline: ['Eta', 'EJS', 'Handlebars', 'Nunjucks'], atLeast: 1 },
    { peer: 'tornado-ts', baseline: 'hand-written', atLeast: 0.9 },
    { peer: 'tornado-ts', baseline: 'Python Tornado', atLeast: 3.5 },
  ],
};
