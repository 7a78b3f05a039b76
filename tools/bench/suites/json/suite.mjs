// The json suite: a JSON endpoint with a path argument, requests per second over keep-alive
// connections, loaded by wrk (lib/wrk.mjs) pinned to one core while the server runs pinned to the
// other (`cpus`), as in the http suite. Each server routes `GET /user/42` to code that reads the
// id from the path and answers `{"id":"42","name":"user-42"}`; before any load, each must answer
// exactly that status and body, with a Content-Type naming application/json, twice on one
// connection (`expect`).
/** A peer whose server is `node <file>` in this folder; its `about` ends by naming the file. */
const nodePeer = (name, file, about, more = {}) => ({ name, about: `${about} (\`${file}\`)`, command: ['node', file], ...more });

const TORNADO_PROBE = ['/usr/bin/python3', '-c', 'import sys, tornado; print(f"Python {sys.version.split()[0]}, Tornado {tornado.version}")'];

export default {
  name: 'json',
  title: 'JSON endpoint with a path argument',
  about:
    'Every server answers `GET /user/42` with status 200, a Content-Type naming `application/json` (the charset ' +
    'parameter varies by framework) and the body `{"id":"42","name":"user-42"}`, the id taken from the path by the ' +
    'server\'s routing, on keep-alive HTTP/1.1 connections (checked before any load: the same status and body, ' +
    'twice on one connection). wrk loads it with `--latency` over the connections below; a sample with any socket ' +
    'error or any response of status 400 or above drops the peer. The figure is requests per second; **p50/p99 ' +
    'latency** are the medians of the samples\' percentiles as wrk measured them (the means are dragged by the odd sample during which the host stalled, whichever peer ran then).',
  unit: 'requests/s',
  dir: new URL('./', import.meta.url),
  load: 'wrk',
  loadOptions: {
    threads: 1,
    path: '/user/42',
    expect: { status: 200, headers: { 'content-type': /^application\/json\b/i }, body: '{"id":"42","name":"user-42"}' },
  },
  cpus: { server: 0, load: 1 },
  defaults: { connections: 50 },
  baselines: ['node:http', 'Python Tornado web'],
  targets: [
    { peer: 'web Application', baseline: 'node:http', atLeast: 1.1 },
    // The callback form cannot route, so the web form is the Python baseline here.
    { peer: 'web Application', baseline: 'Python Tornado web', atLeast: 8 },
  ],
  peers: [
    nodePeer(
      'node:http',
      'node-http-server.mjs',
      '`http.createServer`, the path matched by hand with `/^\\/user\\/([0-9]+)$/`, `res.writeHead(200, { Content-Type: application/json, Content-Length })` then `res.end(JSON.stringify(...))`',
    ),
    nodePeer('fastify', 'fastify-server.mjs', 'route `/user/:id`, `logger: false`, the handler returns the object (fastify serializes it)', {
      npm: ['fastify'],
    }),
    nodePeer('express', 'express-server.mjs', 'express 5, route `/user/:id`, `x-powered-by` off, `res.json(...)` (it adds its ETag)', {
      npm: ['express'],
    }),
    nodePeer(
      'web Application',
      'web-server.mjs',
      '`@tornado-ts/web` dist: `url("/user/([0-9]+)", UserHandler)`, `get(id) { this.write({ id, name }) }` (it adds Date and Etag, as Tornado\'s web layer does, without a Server header)',
      { packages: ['@tornado-ts/web'] },
    ),
    {
      name: 'Python Tornado web',
      about:
        'Debian python3-tornado: one `RequestHandler` in a `web.Application` routed by `/user/([0-9]+)`, `set_header(Content-Type)` and `self.write(json.dumps(dict, separators=(",", ":")))` (what `write(dict)` does, with the compact separators the other peers use; it adds Date, Server and Etag) (`tornado_server.py`)',
      command: ['/usr/bin/python3', 'tornado_server.py'],
      probe: TORNADO_PROBE,
    },
  ],
};
