/** Anything a test opens and must close: a server (`stop`), a stream (`close`) or a socket (`destroy`). */
export type Closable =
  | { stop(options: { grace: number }): Promise<void> }
  | { destroy(): unknown }
  | { close(): unknown };

/**
 * Remembers what a test opened so `afterEach` can close it all: servers are stopped with their
 * connections (`stop({ grace: 0 })`), sockets destroyed, streams and other servers closed.
 */
export class ResourceTracker {
  readonly #open = new Set<Closable>();

  /** Registers `thing` and returns it, so `track(await open())` reads naturally. */
  track = <T extends Closable>(thing: T): T => {
    this.#open.add(thing);
    return thing;
  };

  /** Closes everything registered, waiting for servers to stop. */
  closeAll = async (): Promise<void> => {
    const pending: Promise<void>[] = [];
    for (const thing of this.#open) {
      if ('stop' in thing) pending.push(thing.stop({ grace: 0 }));
      else if ('destroy' in thing) thing.destroy();
      else thing.close();
    }
    this.#open.clear();
    await Promise.all(pending);
  };
}
