// close(): no socket or timer left behind (the process exits by itself), queued fetches fail,
// fetch afterwards refuses; and the abort signal.
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessFixture } from '@tornado-ts/test-utils';
import { HTTPClientError, HTTPTimeoutError } from '../src/index';
import { closeAll, newClient, ok, rawServer, sleep } from './helpers';

afterEach(closeAll);

describe('close()', () => {
  it('leaves nothing that keeps the process alive: it exits by itself after close()', async () => {
    const fixture = new ProcessFixture(new URL('./fixtures/close-exits.ts', import.meta.url));
    try {
      await fixture.until(() => fixture.reports.some((r) => r.done === true), 'the fixture finished its requests');
      const exit = await Promise.race([fixture.exited, sleep(5000).then(() => null)]);
      expect(exit, `still running 5 s after close(); stderr:\n${fixture.stderr}`).not.toBeNull();
      expect(exit?.code).toBe(0);
    } finally {
      fixture.killReported();
    }
  });

  it('fails queued fetches, closes idle connections, and refuses new fetches', async () => {
    const server = await rawServer(async () => {
      await sleep(100);
      return ok();
    });
    const client = newClient({ maxClients: 1 });
    await client.fetch(server.url());
    const running = client.fetch(server.url());
    const queued = client.fetch(server.url()).catch((e: unknown) => e);
    await sleep(10);
    client.close();
    const error = await queued;
    expect(error).toBeInstanceOf(HTTPClientError);
    expect((error as Error).message).toBe('HTTP 599: Client closed');
    // The one in progress finishes; its connection is then closed, not pooled.
    expect((await running).code).toBe(200);
    expect(client.pool.idleCount).toBe(0);
    await expect(client.fetch(server.url())).rejects.toThrow(/closed/);
  });
});

describe('signal', () => {
  it('aborts a request in progress with the signal\'s reason and closes its connection', async () => {
    const server = await rawServer(() => null);
    const client = newClient();
    const controller = new AbortController();
    const pending = client.fetch(server.url(), { signal: controller.signal });
    await sleep(30);
    controller.abort(new Error('changed my mind'));
    await expect(pending).rejects.toThrow('changed my mind');
    await sleep(20);
    expect(server.sockets[0].destroyed || server.sockets[0].readableEnded).toBe(true);
    expect(client.active).toBe(0);
  });

  it('refuses at once with an already aborted signal, sending nothing', async () => {
    const server = await rawServer(() => ok());
    const controller = new AbortController();
    controller.abort();
    await expect(newClient().fetch(server.url(), { signal: controller.signal })).rejects.toThrow(/aborted/);
    await sleep(20);
    expect(server.connections()).toBe(0);
  });

  it('aborts a queued fetch and frees nothing it did not hold', async () => {
    const server = await rawServer(async () => {
      await sleep(50);
      return ok();
    });
    const client = newClient({ maxClients: 1 });
    const first = client.fetch(server.url());
    const controller = new AbortController();
    const queued = client.fetch(server.url(), { signal: controller.signal });
    expect(client.queued).toBe(1);
    controller.abort();
    await expect(queued).rejects.toThrow();
    expect(client.queued).toBe(0);
    expect((await first).code).toBe(200);
    expect(client.active).toBe(0);
  });

  it('aborts while connecting', async () => {
    const client = newClient({ resolver: { resolve: () => new Promise(() => {}) } });
    const controller = new AbortController();
    const pending = client.fetch('http://example.invalid/', { signal: controller.signal });
    await sleep(20);
    controller.abort(new Error('stop connecting'));
    await expect(pending).rejects.toThrow('stop connecting');
  });

  it('times out as HTTPTimeoutError when requestTimeout passes, not the signal', async () => {
    const server = await rawServer(() => null);
    const controller = new AbortController();
    await expect(newClient().fetch(server.url(), { signal: controller.signal, requestTimeout: 50 })).rejects.toBeInstanceOf(HTTPTimeoutError);
  });
});
