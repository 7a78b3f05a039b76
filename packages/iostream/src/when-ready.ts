import type { Duplex } from 'node:stream';
import { Waiter, type WaitOptions } from '@tornado-ts/ioloop';

function noop(): void {}

/**
 * Waits for `socket` to emit `readyEvent` ('connect', 'secureConnect', 'secure') and then returns
 * `build()`, called synchronously in the event so no socket event can slip between. Rejects with
 * `failure(error)` when the socket errors or closes first, and with ioloop's TimeoutError or the
 * abort reason when `options` fire; in every failure the socket is destroyed.
 */
export function whenReady<T>(
  socket: Duplex,
  readyEvent: string,
  options: WaitOptions,
  build: () => T,
  failure: (error: Error | null) => Error,
): Promise<T> {
  const waiter = new Waiter<T>(options, { onCancel: abandon });
  if (waiter.settled) {
    abandon();
    return waiter.promise;
  }
  socket.once(readyEvent, onReady);
  socket.on('error', onError);
  socket.once('close', onClose);
  return waiter.promise;

  function stopListening(): void {
    socket.off(readyEvent, onReady);
    socket.off('error', onError);
    socket.off('close', onClose);
  }
  function abandon(): void {
    stopListening();
    // Late errors from the dying socket have nobody left to tell.
    socket.on('error', noop);
    socket.destroy();
  }
  function onReady(): void {
    stopListening();
    let result: T;
    try {
      result = build();
    } catch (error) {
      abandon();
      waiter.reject(error);
      return;
    }
    waiter.resolve(result);
  }
  function onError(error: Error): void {
    abandon();
    waiter.reject(failure(error));
  }
  function onClose(): void {
    abandon();
    waiter.reject(failure(null));
  }
}
