import { getEventListeners } from 'node:events';
import { TimeoutError } from '@tornado-ts/ioloop';
import { IOStream } from '@tornado-ts/iostream';
import { ConnectError, type ResolvedAddress } from '@tornado-ts/tcpclient';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ConnectAttempt, Connector, DEFAULT_HAPPY_EYEBALLS_DELAY, splitByFamily } from '../src/connector';
import { blackholePort, closeAll, elapsedSince, listen, needIPv6, nextConnection, refusedPort, track } from './helpers';

/** Fake address families, as in Tornado's test: the connector only compares them. */
const AF1 = 4;
const AF2 = 6;
const at = (family: 4 | 6, address: string): ResolvedAddress => ({ family, address, port: 1 });
const ADDRESSES = [at(AF1, 'a'), at(AF1, 'b'), at(AF2, 'c'), at(AF2, 'd')];
const DELAY = 1000;

class FakeStream {
  closed = false;
  constructor(readonly name: string) {}
  close(): void {
    this.closed = true;
  }
}

interface Attempt {
  resolve: (stream: FakeStream) => void;
  reject: (error: Error) => void;
  signal: AbortSignal;
}

/**
 * Stands in for the socket layer (Tornado's `create_stream`): each attempt waits until the test
 * settles it. By default an abort rejects the attempt, as IOStream.connect does; `stubborn`
 * attempts ignore aborts, like a connect function that cannot be cancelled.
 */
class FakeNetwork {
  attempts = new Map<string, Attempt>();
  started: string[] = [];
  aborted: string[] = [];
  streams = new Map<string, FakeStream>();
  stubborn = false;

  connect: ConnectAttempt<FakeStream> = (address, signal) =>
    new Promise<FakeStream>((resolve, reject) => {
      const name = address.address;
      this.started.push(name);
      this.attempts.set(name, { resolve, reject, signal });
      signal.addEventListener('abort', () => {
        this.aborted.push(name);
        if (this.stubborn) return;
        this.attempts.delete(name);
        reject(signal.reason);
      });
    });

  pending(): string[] {
    return [...this.attempts.keys()].sort();
  }

  async succeed(name: string): Promise<FakeStream> {
    const stream = new FakeStream(name);
    this.streams.set(name, stream);
    this.take(name).resolve(stream);
    await flush();
    return stream;
  }

  async fail(name: string): Promise<void> {
    this.take(name).reject(new Error(`connect ECONNREFUSED ${name}`));
    await flush();
  }

  take(name: string): Attempt {
    const attempt = this.attempts.get(name);
    if (!attempt) throw new Error(`no pending attempt for ${name}`);
    this.attempts.delete(name);
    return attempt;
  }
}

/** Lets settled attempts reach the connector (setImmediate is not faked). */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function settledState<T>(promise: Promise<T>): { value?: T; error?: unknown; done: boolean } {
  const state: { value?: T; error?: unknown; done: boolean } = { done: false };
  promise.then(
    (value) => Object.assign(state, { value, done: true }),
    (error: unknown) => Object.assign(state, { error, done: true }),
  );
  return state;
}

describe('splitByFamily (Tornado TestConnectorSplit)', () => {
  it('keeps a single family in the primary list', () => {
    expect(splitByFamily([at(AF1, 'a'), at(AF1, 'b')])).toEqual([[at(AF1, 'a'), at(AF1, 'b')], []]);
  });

  it('puts the first address’s family first and keeps the order within each family', () => {
    expect(splitByFamily([at(AF1, 'a'), at(AF2, 'b'), at(AF1, 'c'), at(AF2, 'd')])).toEqual([
      [at(AF1, 'a'), at(AF1, 'c')],
      [at(AF2, 'b'), at(AF2, 'd')],
    ]);
    expect(splitByFamily([at(AF2, 'x'), at(AF1, 'y')])).toEqual([[at(AF2, 'x')], [at(AF1, 'y')]]);
  });

  it('handles an empty list', () => {
    expect(splitByFamily([])).toEqual([[], []]);
  });
});

describe('Connector with a fake connect function (Tornado ConnectorTest)', () => {
  let net: FakeNetwork;
  let deadline: AbortController;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    net = new FakeNetwork();
    deadline = new AbortController();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function start(addresses: ResolvedAddress[] = ADDRESSES) {
    const connector = new Connector(addresses, net.connect, { host: 'example.test', port: 80, delay: DELAY, signal: deadline.signal });
    const promise = connector.start();
    return { promise, state: settledState(promise) };
  }
  /** Tornado's `on_timeout`: the happy-eyeballs delay passes. */
  const delayPasses = async () => {
    vi.advanceTimersByTime(DELAY);
    await flush();
  };
  /** Tornado's `on_connect_timeout`: the overall deadline passes. */
  const deadlinePasses = async () => {
    deadline.abort(new TimeoutError());
    await flush();
  };

  it('immediate success: the first primary address wins, nothing else is tried', async () => {
    const { promise } = start();
    expect(net.pending()).toEqual(['a']);
    const stream = await net.succeed('a');
    expect(await promise).toEqual({ address: at(AF1, 'a'), stream });
    expect([net.started, net.aborted, stream.closed]).toEqual([['a'], [], false]);
  });

  it('immediate failure: one address that fails rejects with a ConnectError', async () => {
    const { promise, state } = start([at(AF1, 'a')]);
    expect(net.pending()).toEqual(['a']);
    await net.fail('a');
    expect(state.done).toBe(true);
    await expect(promise).rejects.toThrow(ConnectError);
    await expect(promise).rejects.toMatchObject({ message: 'Could not connect to example.test:80: connect ECONNREFUSED a' });
  });

  it('one family, second try: the next address starts when the first fails', async () => {
    const { promise } = start([at(AF1, 'a'), at(AF1, 'b')]);
    await net.fail('a');
    expect(net.pending()).toEqual(['b']);
    const stream = await net.succeed('b');
    expect(await promise).toEqual({ address: at(AF1, 'b'), stream });
  });

  it('one family, second try fails too: ConnectError with both errors', async () => {
    const { promise } = start([at(AF1, 'a'), at(AF1, 'b')]);
    await net.fail('a');
    expect(net.pending()).toEqual(['b']);
    await net.fail('b');
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).errors.map((e) => (e as Error).message)).toEqual(['connect ECONNREFUSED a', 'connect ECONNREFUSED b']);
    expect((error as ConnectError).cause).toBe((error as ConnectError).errors[1]);
  });

  it('one family: the delay passing while the first is pending starts nothing', async () => {
    const { promise } = start([at(AF1, 'a'), at(AF1, 'b')]);
    await delayPasses();
    expect(net.pending()).toEqual(['a']);
    await net.fail('a');
    expect(net.pending()).toEqual(['b']);
    const stream = await net.succeed('b');
    expect(await promise).toEqual({ address: at(AF1, 'b'), stream });
  });

  it('two families, immediate failure: the next primary and the first secondary start together', async () => {
    const { promise } = start();
    await net.fail('a');
    expect(net.pending()).toEqual(['b', 'c']);
    await net.fail('b');
    const stream = await net.succeed('c');
    expect(await promise).toEqual({ address: at(AF2, 'c'), stream });
  });

  it('two families, delay: the secondary starts; its success aborts the primary, whose failure starts nothing', async () => {
    const { promise } = start();
    expect(net.pending()).toEqual(['a']);
    await delayPasses();
    expect(net.pending()).toEqual(['a', 'c']);
    const stream = await net.succeed('c');
    expect(await promise).toEqual({ address: at(AF2, 'c'), stream });
    expect(net.aborted).toEqual(['a']);
    expect(net.pending()).toEqual([]);
    expect(net.started).toEqual(['a', 'c']);
  });

  it('success after the delay: the primary wins, the secondary is aborted', async () => {
    const { promise } = start();
    await delayPasses();
    expect(net.pending()).toEqual(['a', 'c']);
    const stream = await net.succeed('a');
    expect(await promise).toEqual({ address: at(AF1, 'a'), stream });
    expect([net.aborted, net.pending(), stream.closed]).toEqual([['c'], [], false]);
  });

  it('a late success from an attempt that ignored the abort is closed at once', async () => {
    net.stubborn = true;
    const { promise } = start();
    await delayPasses();
    const winner = await net.succeed('a');
    expect((await promise).stream).toBe(winner);
    expect(net.aborted).toEqual(['c']);
    const late = await net.succeed('c');
    expect([late.closed, winner.closed]).toEqual([true, false]);
  });

  it('all fail: each family goes one address at a time and the error comes after the last', async () => {
    const { promise, state } = start();
    expect(net.pending()).toEqual(['a']);
    await delayPasses();
    expect(net.pending()).toEqual(['a', 'c']);
    await net.fail('c');
    expect(net.pending()).toEqual(['a', 'd']);
    await net.fail('d');
    expect(net.pending()).toEqual(['a']);
    await net.fail('a');
    expect(net.pending()).toEqual(['b']);
    expect(state.done).toBe(false);
    await net.fail('b');
    const error = (await promise.catch((e: unknown) => e)) as ConnectError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.errors.map((e) => (e as Error).message.at(-1))).toEqual(['c', 'd', 'a', 'b']);
  });

  it.each([
    ['one family: no second try', [at(AF1, 'a'), at(AF1, 'b')]],
    ['two families: the secondary never starts', ADDRESSES],
  ])('deadline before the delay (%s): the attempt is aborted, TimeoutError', async (_, addresses) => {
    const { promise } = start(addresses);
    await deadlinePasses();
    expect(net.aborted).toEqual(['a']);
    await delayPasses();
    expect([net.pending(), net.started]).toEqual([[], ['a']]);
    await expect(promise).rejects.toBeInstanceOf(TimeoutError);
  });

  it('success before the deadline: the deadline changes nothing and closes nothing', async () => {
    const { promise } = start([at(AF1, 'a'), at(AF1, 'b')]);
    const stream = await net.succeed('a');
    await deadlinePasses();
    expect([net.pending(), net.aborted, stream.closed]).toEqual([[], [], false]);
    expect(await promise).toEqual({ address: at(AF1, 'a'), stream });
  });

  it('deadline during the second try: that attempt is aborted and the result is TimeoutError', async () => {
    const { promise } = start([at(AF1, 'a'), at(AF1, 'b')]);
    await net.fail('a');
    expect(net.pending()).toEqual(['b']);
    await deadlinePasses();
    expect([net.pending(), net.aborted]).toEqual([[], ['b']]);
    await expect(promise).rejects.toBeInstanceOf(TimeoutError);
  });

  it('every attempt failing before the deadline: ConnectError, and the deadline changes nothing', async () => {
    const { promise } = start([at(AF1, 'a'), at(AF1, 'b')]);
    await net.fail('a');
    await net.fail('b');
    await deadlinePasses();
    expect(net.aborted).toEqual([]);
    await expect(promise).rejects.toBeInstanceOf(ConnectError);
  });

  it('deadline with both families in flight: both are aborted, TimeoutError', async () => {
    const { promise } = start();
    await delayPasses();
    expect(net.pending()).toEqual(['a', 'c']);
    await deadlinePasses();
    expect([net.pending(), net.aborted.sort()]).toEqual([[], ['a', 'c']]);
    await expect(promise).rejects.toBeInstanceOf(TimeoutError);
  });

  it('two families, success after the delay: the other family’s attempt is aborted', async () => {
    const { promise } = start();
    await delayPasses();
    const stream = await net.succeed('a');
    expect([net.pending(), net.aborted]).toEqual([[], ['c']]);
    expect(await promise).toEqual({ address: at(AF1, 'a'), stream });
  });

  it('rejects with the abort reason of any signal, and starts nothing if it was aborted already', async () => {
    deadline.abort(new Error('caller gave up'));
    const { promise } = start();
    await expect(promise).rejects.toThrow('caller gave up');
    expect(net.started).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('uses a 300 ms delay by default', async () => {
    const connector = new Connector(ADDRESSES, net.connect, { host: 'example.test', port: 80 });
    void connector.start().catch(() => undefined);
    expect(DEFAULT_HAPPY_EYEBALLS_DELAY).toBe(300);
    vi.advanceTimersByTime(299);
    expect(net.pending()).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(net.pending()).toEqual(['a', 'c']);
    await net.succeed('c');
  });

  it('leaves no timer and no abort listener behind once settled', async () => {
    const { promise } = start();
    expect(vi.getTimerCount()).toBe(1);
    expect(getEventListeners(deadline.signal, 'abort')).toHaveLength(1);
    await net.succeed('a');
    await promise;
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(deadline.signal, 'abort')).toHaveLength(0);
  });

  it('treats a connect function that throws as a failed attempt', async () => {
    let calls = 0;
    const throwing: ConnectAttempt<FakeStream> = (address, signal) => {
      calls++;
      if (address.address === 'a') throw new Error('bind EADDRNOTAVAIL');
      return net.connect(address, signal);
    };
    const promise = new Connector([at(AF1, 'a'), at(AF1, 'b')], throwing, { host: 'h', port: 1, delay: DELAY }).start();
    await flush();
    expect([calls, net.pending()]).toEqual([2, ['b']]);
    const stream = await net.succeed('b');
    expect((await promise).stream).toBe(stream);
  });

  it('rejects at once with a ConnectError when given no addresses', async () => {
    await expect(start([]).promise).rejects.toThrow('Could not connect to example.test:80: no addresses to try');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('can be started only once', () => {
    const connector = new Connector([at(AF1, 'a')], net.connect, { host: 'h', port: 1 });
    void connector.start();
    expect(() => connector.start()).toThrow(/once/);
  });
});

describe('Connector on real loopback sockets', () => {
  afterEach(closeAll);

  /** IOStream.connect, recording each attempt's outcome. */
  function recordingConnect(log: string[]): ConnectAttempt<IOStream> {
    return (address, signal) =>
      IOStream.connect(address.port, address.address, { signal }).then(
        (stream) => {
          log.push(`connected ${address.address}`);
          return track(stream);
        },
        (error: Error & { realError?: Error & { code?: string } }) => {
          log.push(`failed ${address.address} ${error.realError?.code ?? error.message}`);
          throw error;
        },
      );
  }

  it('one family: a refused address is skipped for the next, without waiting for the delay', async () => {
    const { server, port } = await listen();
    const refused = await refusedPort();
    const log: string[] = [];
    const started = performance.now();
    const addresses = [
      { family: 4 as const, address: '127.0.0.1', port: refused },
      { family: 4 as const, address: '127.0.0.1', port },
    ];
    const accepted = nextConnection(server);
    const { address, stream } = await new Connector(addresses, recordingConnect(log), { host: 'h', port: 1, delay: 10_000 }).start();
    expect(address.port).toBe(port);
    expect(log).toEqual(['failed 127.0.0.1 ECONNREFUSED', 'connected 127.0.0.1']);
    expect(elapsedSince(started)).toBeLessThan(5_000);
    await stream.write('hi');
    const peer = await accepted;
    expect((await new Promise<Buffer>((resolve) => peer.once('data', resolve))).toString()).toBe('hi');
  });

  /** Races `primary` against a listening secondary of the other family on `secondaryHost`. */
  async function raceTwoFamilies(primary: ResolvedAddress, secondaryHost: string, delay: number) {
    const { port } = await listen(secondaryHost);
    const secondary = { family: primary.family === 4 ? (6 as const) : (4 as const), address: secondaryHost, port };
    const log: string[] = [];
    const started = performance.now();
    const { address } = await new Connector([primary, secondary], recordingConnect(log), { host: 'h', port: 1, delay }).start();
    const elapsed = elapsedSince(started);
    await flush();
    return { winner: address.address, log, elapsed };
  }

  it('two families: a refused primary starts the secondary at once', async (context) => {
    await needIPv6(context);
    const race = await raceTwoFamilies({ family: 6, address: '::1', port: await refusedPort('::1') }, '127.0.0.1', 10_000);
    expect(race.winner).toBe('127.0.0.1');
    expect(race.log).toEqual(['failed ::1 ECONNREFUSED', 'connected 127.0.0.1']);
    expect(race.elapsed).toBeLessThan(5_000);
  });

  it('two families: a primary that hangs loses to the secondary started after the delay, and is aborted', async (context) => {
    await needIPv6(context);
    const race = await raceTwoFamilies({ family: 4, address: '127.0.0.1', port: await blackholePort('127.0.0.1') }, '::1', 100);
    expect(race.winner).toBe('::1');
    expect(race.elapsed).toBeGreaterThanOrEqual(95);
    expect(race.log).toEqual(['connected ::1', 'failed 127.0.0.1 another address connected first']);
  });

  it('every address refused: ConnectError naming host and port, ECONNREFUSED as cause', async () => {
    const addresses = [
      { family: 4 as const, address: '127.0.0.1', port: await refusedPort() },
      { family: 4 as const, address: '127.0.0.1', port: await refusedPort() },
    ];
    const log: string[] = [];
    const error = (await new Connector(addresses, recordingConnect(log), { host: 'example.test', port: 8080 })
      .start()
      .catch((e: unknown) => e)) as ConnectError;
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.message).toMatch(/^Could not connect to example\.test:8080: /);
    expect(error.errors).toHaveLength(2);
    expect(log).toEqual(['failed 127.0.0.1 ECONNREFUSED', 'failed 127.0.0.1 ECONNREFUSED']);
  });

  it('an abort while an attempt hangs rejects with the reason and aborts the attempt', async () => {
    const addresses = [{ family: 4 as const, address: '127.0.0.1', port: await blackholePort() }];
    const controller = new AbortController();
    const log: string[] = [];
    const result = new Connector(addresses, recordingConnect(log), { host: 'h', port: 1, signal: controller.signal }).start();
    setTimeout(() => controller.abort(new TimeoutError('deadline')), 50);
    await expect(result).rejects.toThrow('deadline');
    await flush();
    expect(log).toEqual(['failed 127.0.0.1 deadline']);
  });
});
