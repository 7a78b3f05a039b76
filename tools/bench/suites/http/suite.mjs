// The http suite: hello-world requests per second over keep-alive connections, loaded by wrk
// (lib/wrk.mjs) pinned to one core while the server runs pinned to the other (`cpus`). A peer is
// one entry as in the echo suite (`nodePeer` for a Node server in this folder). Before any load,
// each server must answer one GET with exactly the same status, headers and body, twice on one
// connection (`expect`).
/** A peer whose server is `node <file>` in this folder; its `about` ends by naming the file. */
const nodePeer = (name, file, about, more = {}) => ({ name, about: `${about} (\`${file}\`)`, command: ['node', file], ...more });

const TORNADO_PROBE = ['/usr/bin/python3', '-c', 'import sys, tornado; print(f"Python {sys.version.split()[0]}, Tornado {tornado.version}")'];

export default {
  name: 'http',
  title: 'HTTP hello world',
  about:
    'Every server answers `GET /` with status 200, `Content-Type: text/plain`, `Content-Length: 12` and the body ' +
    '`Hello, world`, on keep-alive HTTP/1.1 connections (checked before any load: the same status, headers and ' +
    'body, twice on one connection). wrk loads it with `--latency` over the connections below; a sample with any ' +
    'socket error or any response of status 400 or above drops the peer. The figure is requests per second; ' +
    '**p50/p99 latency** are the medians of the samples\' percentiles as wrk measured them (the means are dragged by the odd sample during which the host stalled, whichever peer ran then).',
  unit: 'requests/s',
  dir: new URL('./', import.meta.url),
  load: 'wrk',
  loadOptions: {
    threads: 1,
    path: '/',
    expect: { status: 200, headers: { 'content-type': 'text/plain', 'content-length': '12' }, body: 'Hello, world' },
  },
  cpus: { server: 0, load: 1 },
  defaults: { connections: 50 },
  baselines: ['node:http', 'Python Tornado'],
  targets: [
    { peer: 'HTTPServer', baseline: 'node:http', atLeast: 1.3 },
    { peer: 'HTTPServer', baseline: 'Python Tornado', atLeast: 5 },
    // The "Python Tornado at 0.12x node:http" matches the web form, so its 5x is shown against that form too.
    { peer: 'HTTPServer', baseline: 'Python Tornado web', atLeast: 5 },
    { peer: 'HTTPServer', baseline: 'node:http', latency: 'p99', atMost: 1 },
    { peer: 'web Application', baseline: 'node:http', atLeast: 1.1 },
    // Issue #7's 8x is framework against framework: its Python figure (0.12x node:http) is Tornado's web form,
    // as in the json suite; the bare callback server is no like-for-like baseline for a web framework.
    { peer: 'web Application', baseline: 'Python Tornado web', atLeast: 8 },
  ],
  peers: [
    nodePeer('net minimal', 'net-server.mjs', 'the ceiling, not a real server: `node:net`, finds each `\\r\\n\\r\\n` and writes a fixed response, parses nothing else'),
    nodePeer('node:http', 'node-http-server.mjs', '`http.createServer`, `res.writeHead(200, { Content-Type, Content-Length })` then `res.end(body)`'),
    nodePeer('fastify', 'fastify-server.mjs', 'one `GET /` route, `logger: false`, `reply.type("text/plain").send(body)`', { npm: ['fastify'] }),
    nodePeer(
      'express',
      'express-server.mjs',
      'express 5, one `GET /` route, `x-powered-by` off, `res.setHeader("Content-Type", "text/plain")` then `res.send(body)` with a Buffer body (it adds its ETag)',
      { npm: ['express'] },
    ),
    nodePeer(
      'HTTPServer',
      'httpserver-server.mjs',
      '`@tornado-ts/httpserver` dist, the callback form: `new HTTPServer((req) => { req.connection.writeHeaders(startLine, headers, body); req.connection.finish(); })`',
      { packages: ['@tornado-ts/httpserver'] },
    ),
    nodePeer(
      'web Application',
      'web-server.mjs',
      '`@tornado-ts/web` dist: one `RequestHandler` in an `Application`, `setHeader("Content-Type", "text/plain")` then `write(body)` (it adds Date and Etag, as Tornado\'s web layer does, without a Server header)',
      { packages: ['@tornado-ts/web'] },
    ),
    {
      name: 'Python Tornado',
      about:
        'Debian python3-tornado, `HTTPServer` with a plain request callback, no web layer (the form of the HTTPServer peer): `request.connection.write_headers(start_line, headers, body)` then `finish()` (`tornado_server.py callback`)',
      command: ['/usr/bin/python3', 'tornado_server.py', 'callback'],
      probe: TORNADO_PROBE,
    },
    {
      name: 'Python Tornado web',
      about:
        'for reference, Tornado as most code uses it: one `RequestHandler` in a `web.Application`, `set_header` then `write(body)` (it adds Date, Server and Etag) (`tornado_server.py web`)',
      command: ['/usr/bin/python3', 'tornado_server.py', 'web'],
      probe: TORNADO_PROBE,
    },
  ],
};
