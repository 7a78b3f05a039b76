// The client suite: the measured thing is the HTTP client. A node:http server (server.mjs) is the
// fixed peer, pinned to core 0 and started by each client worker; the worker (client-worker.mjs),
// pinned to core 1 (`cpus`), does batches of 10,000 keep-alive GETs of 12 bytes, one at a time or
// from 50 concurrent loops, and reports GETs per second (work-loop protocol, asynchronous).
const peer = (client, label, concurrency, about, more = {}) => ({
  name: `${label} ${concurrency === 1 ? 'sequential' : `${concurrency} concurrent`}`,
  about,
  command: ['node', 'client-worker.mjs', client, String(concurrency)],
  ...more,
});

const ours = '`@tornado-ts/httpclient` dist, `new SimpleAsyncHTTPClient({ maxClients: N })`, `(await client.fetch(url)).body`';
const undici = '`undici.request(url)` on its global Agent, `await body.arrayBuffer()`';
const fetchAbout = "Node's global `fetch(url)` (its bundled undici), `await response.arrayBuffer()`";
const nodeHttp = '`http.get(url, { agent })` with `new http.Agent({ keepAlive: true, maxSockets: N })`, chunks collected';

export default {
  name: 'client',
  title: 'HTTP client keep-alive GETs',
  about:
    'Each client, in its own process pinned to core 1, GETs `http://127.0.0.1:<port>/` from one node:http server ' +
    '(`server.mjs`: status 200, `Content-Length: 12`, `Hello, world`) pinned to core 0, over keep-alive connections, ' +
    'and reads every body whole. A sample is whole batches of 10,000 GETs, issued one at a time (sequential) or by ' +
    '50 concurrent loops sharing the batch (50 concurrent, at most 50 connections), until the sample time has passed. ' +
    'The figure is GETs per second; **CPU** and **µs/op** are the client process\'s (the server\'s work is not counted).',
  unit: 'requests/s',
  dir: new URL('./', import.meta.url),
  cpus: { server: 1 },
  defaults: { samples: 5, duration: 1000, warmup: 1000 },
  peers: [
    peer('tornado-ts', 'tornado-ts', 1, ours, { packages: ['@tornado-ts/httpclient'] }),
    peer('undici', 'undici.request', 1, undici, { npm: ['undici'] }),
    peer('fetch', 'fetch', 1, fetchAbout),
    peer('node-http', 'node:http', 1, nodeHttp),
    peer('tornado-ts', 'tornado-ts', 50, ours, { packages: ['@tornado-ts/httpclient'] }),
    peer('undici', 'undici.request', 50, undici, { npm: ['undici'] }),
    peer('fetch', 'fetch', 50, fetchAbout),
    peer('node-http', 'node:http', 50, nodeHttp),
  ],
  baselines: ['undici.request sequential', 'undici.request 50 concurrent'],
  targets: [
    { peer: 'tornado-ts sequential', baseline: 'undici.request sequential', atLeast: 1 },
    { peer: 'tornado-ts 50 concurrent', baseline: 'undici.request 50 concurrent', atLeast: 1 },
  ],
};
