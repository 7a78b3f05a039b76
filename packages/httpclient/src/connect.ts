import { TimeoutError } from '@tornado-ts/ioloop';
import { type IOStream, StreamClosedError } from '@tornado-ts/iostream';
import type { TCPClient } from '@tornado-ts/tcpclient';
import { HTTPClientError, HTTPStreamClosedError, HTTPTimeoutError } from './errors';
import { openTunnel } from './proxy';
import type { ConnectPlan, ParsedURL } from './target';

/** How a connection is opened. */
export interface OpenOptions {
  /** Ms for the connect (0: no limit). */
  connectTimeout: number;
  /** Aborts every phase. */
  signal: AbortSignal;
  maxBufferSize: number;
  /** Told of the plain stream to a proxy while the tunnel is being set up, so an abort can close it. */
  onTunnelStream(stream: IOStream | null): void;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens the connection `plan` describes: TCP (and TLS) to the origin or a forward proxy, or a
 * CONNECT tunnel through the proxy with TLS to the origin inside.
 * @throws {HTTPTimeoutError} when connectTimeout passes. @throws {HTTPClientError} (599) for any
 * other failure, the underlying error as `cause`; an abort rejects with the signal's reason.
 */
export async function openConnection(tcpClient: TCPClient, plan: ConnectPlan, url: ParsedURL, options: OpenOptions): Promise<IOStream> {
  const { signal } = options;
  const connectOptions = {
    timeout: options.connectTimeout > 0 ? options.connectTimeout : undefined,
    signal,
    sourceIp: plan.sourceIp,
    family: plan.family,
    maxBufferSize: options.maxBufferSize,
  };
  try {
    if (plan.proxy !== 'tunnel') {
      return await tcpClient.connect(plan.host, plan.port, plan.tls === null ? connectOptions : { ...connectOptions, tls: plan.tls });
    }
    const stream = await tcpClient.connect(plan.host, plan.port, connectOptions);
    options.onTunnelStream(stream);
    try {
      await openTunnel(stream, url, plan.proxyAuthorization);
      return await stream.startTls(false, { ...plan.tls, serverHostname: url.hostname, signal, timeout: connectOptions.timeout });
    } catch (error) {
      stream.close();
      throw error;
    } finally {
      options.onTunnelStream(null);
    }
  } catch (error) {
    if (signal.aborted && error === signal.reason) throw error;
    if (error instanceof HTTPClientError) throw error;
    if (error instanceof TimeoutError) throw new HTTPTimeoutError('Timeout while connecting', { cause: error });
    if (error instanceof StreamClosedError) throw new HTTPStreamClosedError('Connection closed while connecting', { cause: error.realError ?? error });
    throw new HTTPClientError(599, messageOf(error), { cause: error });
  }
}
