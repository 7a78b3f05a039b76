// AsyncHTTPClient.configure(Impl, options) swaps the implementation `new AsyncHTTPClient()` builds,
// as Tornado's configurable AsyncHTTPClient (CreateAsyncHTTPClientTestCase.test_max_clients).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AsyncHTTPClient,
  HTTPRequest,
  HTTPResponse,
  SimpleAsyncHTTPClient,
  type AsyncHTTPClientOptions,
} from '../src/index';

class FakeClient extends AsyncHTTPClient {
  readonly options: AsyncHTTPClientOptions;
  constructor(options: AsyncHTTPClientOptions = {}) {
    super(options);
    this.options = options;
  }

  protected override fetchImpl(request: HTTPRequest): Promise<HTTPResponse> {
    const agent = request.userAgent ?? this.defaults.userAgent ?? 'none';
    return Promise.resolve(new HTTPResponse(request, request.url.endsWith('/missing') ? 404 : 200, { body: Buffer.from(agent) }));
  }
}

let saved: ReturnType<typeof AsyncHTTPClient.configuration>;
beforeEach(() => {
  saved = AsyncHTTPClient.configuration();
});
afterEach(() => {
  AsyncHTTPClient.configure(saved.impl, saved.options);
});

describe('AsyncHTTPClient.configure', () => {
  it('builds SimpleAsyncHTTPClient by default, with maxClients 10 unless given', () => {
    const client = new AsyncHTTPClient();
    expect(client).toBeInstanceOf(SimpleAsyncHTTPClient);
    expect((client as SimpleAsyncHTTPClient).maxClients).toBe(10);
    client.close();
    const eleven = new AsyncHTTPClient({ maxClients: 11 }) as SimpleAsyncHTTPClient;
    expect(eleven.maxClients).toBe(11);
    eleven.close();
  });

  it('applies configured options, which construction options override', () => {
    AsyncHTTPClient.configure(SimpleAsyncHTTPClient, { maxClients: 12 });
    const twelve = new AsyncHTTPClient() as SimpleAsyncHTTPClient;
    expect(twelve.maxClients).toBe(12);
    twelve.close();
    const thirteen = new AsyncHTTPClient({ maxClients: 13 }) as SimpleAsyncHTTPClient;
    expect(thirteen.maxClients).toBe(13);
    thirteen.close();
  });

  it('swaps in another implementation, merging configured and given defaults', async () => {
    AsyncHTTPClient.configure(FakeClient, { defaults: { userAgent: 'configured', followRedirects: false } });
    const client = new AsyncHTTPClient({ defaults: { maxRedirects: 2 } });
    expect(client).toBeInstanceOf(FakeClient);
    expect(client.defaults).toMatchObject({ userAgent: 'configured', followRedirects: false, maxRedirects: 2, connectTimeout: 20_000 });
    expect((await client.fetch('http://x/')).text()).toBe('configured');
    expect((await client.fetch('http://x/', { userAgent: 'mine' })).text()).toBe('mine');
    await expect(client.fetch('http://x/missing')).rejects.toThrow('HTTP 404: Not Found');
    expect((await client.fetch('http://x/missing', { raiseError: false })).code).toBe(404);
    AsyncHTTPClient.configure(null);
    expect(new AsyncHTTPClient()).toBeInstanceOf(SimpleAsyncHTTPClient);
  });

  it('refuses what is not an AsyncHTTPClient subclass', () => {
    expect(() => AsyncHTTPClient.configure(Object as unknown as typeof FakeClient)).toThrow(TypeError);
  });

  it('refuses fetch after close, and options beside an HTTPRequest', async () => {
    const client = new FakeClient();
    await expect(client.fetch(new HTTPRequest('http://x/'), { userAgent: 'no' })).rejects.toThrow(/cannot be combined/);
    expect((await client.fetch(new HTTPRequest('http://x/'), { raiseError: false })).code).toBe(200);
    client.close();
    await expect(client.fetch('http://x/')).rejects.toThrow(/closed/);
  });
});
