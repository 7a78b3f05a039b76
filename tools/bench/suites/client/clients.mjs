// One GET of the same URL by each measured client, resolving to the body as a Buffer (every body
// is read whole, so no client wins by leaving it unread). `make(name, concurrency)` returns
// { get(url), close() }.
import http from 'node:http';

export async function make(name, concurrency) {
  if (name === 'tornado-ts') {
    const { SimpleAsyncHTTPClient } = await import('@tornado-ts/httpclient');
    const client = new SimpleAsyncHTTPClient({ maxClients: concurrency });
    return { get: async (url) => (await client.fetch(url)).body, close: () => client.close() };
  }
  if (name === 'undici') {
    const { request, getGlobalDispatcher } = await import('undici');
    return {
      get: async (url) => {
        const { statusCode, body } = await request(url);
        if (statusCode !== 200) throw new Error(`status ${statusCode}`);
        return Buffer.from(await body.arrayBuffer());
      },
      close: () => getGlobalDispatcher().close(),
    };
  }
  if (name === 'fetch') {
    return {
      get: async (url) => {
        const response = await fetch(url);
        if (response.status !== 200) throw new Error(`status ${response.status}`);
        return Buffer.from(await response.arrayBuffer());
      },
      close: () => {},
    };
  }
  if (name === 'node-http') {
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    return {
      get: (url) =>
        new Promise((resolve, reject) => {
          http
            .get(url, { agent }, (res) => {
              const chunks = [];
              res.on('data', (chunk) => chunks.push(chunk));
              res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`status ${res.statusCode}`))));
              res.on('error', reject);
            })
            .on('error', reject);
        }),
      close: () => agent.destroy(),
    };
  }
  throw new Error(`unknown client ${name}`);
}
