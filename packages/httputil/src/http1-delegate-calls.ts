// How the HTTP/1.x codec calls its message delegate (the application): each error is logged once
// where it happened, then carried to the connection boundary, which answers and closes.

import { appLog } from '@tornado-ts/ioloop';
import { StreamClosedError } from '@tornado-ts/iostream';
import type { HTTPMessageDelegate } from './delegates';
import { HTTPInputError } from './errors';

/**
 * The "already logged" mark: a delegate (application) error is logged once where the delegate was
 * called, then travels to the connection boundary inside this wrapper, which only closes.
 */
export class DelegateFailure {
  constructor(readonly cause: unknown) {}
}

/** What a failed delegate call becomes: input and stream errors pass as they are; anything else is logged once and wrapped. */
export function delegateFailure(error: unknown): unknown {
  if (error instanceof HTTPInputError || error instanceof StreamClosedError || error instanceof DelegateFailure) return error;
  appLog.error('Uncaught exception in HTTP message delegate', error);
  return new DelegateFailure(error);
}

/** Tells `delegate` the exchange ended without finish(); its error is logged, never thrown. */
export function callConnectionClose(delegate: HTTPMessageDelegate): void {
  try {
    delegate.onConnectionClose();
  } catch (error) {
    appLog.error('Uncaught exception in HTTP message delegate', error);
  }
}
