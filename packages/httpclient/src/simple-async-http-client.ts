import { HTTP1ConnectionParameters } from '@tornado-ts/httputil';
import { DefaultResolver, OverrideResolver, type Resolver, TCPClient } from '@tornado-ts/tcpclient';
import { AsyncHTTPClient, type AsyncHTTPClientOptions } from './async-http-client';
import { ClientExchange, type ExchangeContext } from './client-exchange';
import { ConnectionPool } from './connection-pool';
import { HTTPClientError } from './errors';
import { Fifo } from './fifo';
import type { HTTPRequest } from './http-request';
import type { HTTPResponse } from './http-response';

/** The `User-Agent` sent unless the request or the defaults give one. */
export const DEFAULT_USER_AGENT = 'tornado-ts/0.1';

/** Options of {@link SimpleAsyncHTTPClient}: all of AsyncHTTPClientOptions. */
export type SimpleAsyncHTTPClientOptions = AsyncHTTPClientOptions;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
  return value;
}

/**
 * The HTTP/1.1 client with no dependency outside tornado-ts (Tornado's `SimpleAsyncHTTPClient`),
 * with keep-alive: connections are pooled per scheme, host, port, proxy and TLS identity, and at
 * most `maxClients` fetches run at once (the rest queue; time queued counts toward requestTimeout).
 */
export class SimpleAsyncHTTPClient extends AsyncHTTPClient implements ExchangeContext {
  /** Most fetches in progress at once. */
  readonly maxClients: number;
  readonly pool: ConnectionPool;
  readonly tcpClient: TCPClient;
  readonly params: HTTP1ConnectionParameters;
  readonly maxBufferSize: number;
  readonly userAgent = DEFAULT_USER_AGENT;
  #active = 0;
  #queue = new Fifo<ClientExchange>();
  #resolver: Resolver | null;

  constructor(options: SimpleAsyncHTTPClientOptions = {}) {
    super(options);
    this.maxClients = Math.floor(positive('maxClients', options.maxClients, 10));
    this.maxBufferSize = positive('maxBufferSize', options.maxBufferSize, 100 * 1024 * 1024);
    this.params = new HTTP1ConnectionParameters({
      maxHeaderSize: options.maxHeaderSize,
      maxBodySize: options.maxBodySize,
    });
    this.pool = new ConnectionPool({
      maxConnectionsPerHost: Math.floor(positive('maxConnectionsPerHost', options.maxConnectionsPerHost, this.maxClients)),
      idleTimeout: positive('idleConnectionTimeout', options.idleConnectionTimeout, 4000),
    });
    let resolver = options.resolver;
    // A resolver we create (for the mapping) is ours to close; TCPClient closes its own default one.
    this.#resolver = null;
    if (options.hostnameMapping !== undefined) {
      resolver = new OverrideResolver({ resolver: resolver ?? new DefaultResolver(), mapping: options.hostnameMapping });
      this.#resolver = resolver;
    }
    this.tcpClient = new TCPClient(resolver);
  }

  /** Fetches waiting for a `maxClients` slot. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Fetches in progress (holding a slot). */
  get active(): number {
    return this.#active;
  }

  protected override fetchImpl(request: HTTPRequest): Promise<HTTPResponse> {
    return new Promise<HTTPResponse>((resolve) => {
      const exchange = new ClientExchange(this, request, resolve);
      if (exchange.settled) return;
      if (this.#active < this.maxClients) {
        this.#active++;
        exchange.begin();
      } else {
        exchange.queueNode = this.#queue.push(exchange);
        exchange.armQueueTimeout();
      }
    });
  }

  /** @internal The exchange settled: its slot (or queue place) is free. */
  exchangeDone(exchange: ClientExchange): void {
    if (exchange.queueNode !== null) {
      this.#queue.remove(exchange.queueNode);
      exchange.queueNode = null;
    }
    if (!exchange.admitted) return;
    exchange.admitted = false;
    this.#active--;
    while (this.#active < this.maxClients) {
      const next = this.#queue.shift();
      if (next === undefined) break;
      next.queueNode = null;
      this.#active++;
      next.begin();
    }
  }

  /**
   * Fails the queued fetches, closes idle connections now and busy ones as their fetches end, and
   * releases the resolver: no socket or timer of this client is left to keep the process alive.
   */
  override close(): void {
    if (this.closed) return;
    super.close();
    for (const exchange of this.#queue.drain()) {
      exchange.queueNode = null;
      exchange.cancel(new HTTPClientError(599, 'Client closed'));
    }
    this.pool.close();
    this.tcpClient.close();
    this.#resolver?.close?.();
  }
}

AsyncHTTPClient.setDefaultImplementation(SimpleAsyncHTTPClient);
