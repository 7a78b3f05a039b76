// The chat's message buffer, after Tornado's chat demo: the last messages in memory, a
// locks.Condition that long-poll requests wait on, and the open WebSockets to push each message to.
// Messages live in one process: with --processes N each worker has its own room.
import { randomUUID } from 'node:crypto';
import { Condition } from '@tornado-ts/locks';

const CACHE_SIZE = 200;

export class ChatRoom {
  #messages = [];
  #arrived = new Condition();
  #sockets = new Set();
  #polling = 0;

  /** The buffered messages, oldest first. */
  get messages() {
    return this.#messages;
  }

  /** How many long polls are waiting. */
  get pollCount() {
    return this.#polling;
  }

  /** How many WebSockets are listening. */
  get socketCount() {
    return this.#sockets.size;
  }

  /** Messages newer than the one whose id is `cursor` (all buffered ones for an unknown or null cursor). */
  messagesSince(cursor) {
    let start = this.#messages.length;
    while (start > 0 && this.#messages[start - 1].id !== cursor) start--;
    return start === 0 ? this.#messages.slice() : this.#messages.slice(start);
  }

  /**
   * Waits until there are messages newer than `cursor`; resolves to them, or to an empty list when
   * `timeout` ms pass first or `signal` aborts (the long-poll client went away).
   */
  async waitForMessages(cursor, { timeout, signal }) {
    const deadline = Date.now() + timeout;
    let messages = this.messagesSince(cursor);
    this.#polling++;
    try {
      while (messages.length === 0 && !signal?.aborted) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        try {
          await this.#arrived.wait({ timeout: left, signal });
        } catch {
          break; // aborted
        }
        messages = this.messagesSince(cursor);
      }
    } finally {
      this.#polling--;
    }
    return messages;
  }

  /** Adds a message from `author`, wakes the long-polls and pushes it to every WebSocket. */
  add(author, body) {
    const message = { id: randomUUID(), author, body, time: new Date().toISOString() };
    this.#messages.push(message);
    if (this.#messages.length > CACHE_SIZE) this.#messages.splice(0, this.#messages.length - CACHE_SIZE);
    this.#arrived.notifyAll();
    const frame = JSON.stringify({ messages: [message] });
    for (const socket of this.#sockets) {
      // A socket that closed meanwhile is dropped by its own onClose; its failed write is no news.
      socket.writeMessage(frame).catch(() => {});
    }
    return message;
  }

  /** Registers an open WebSocket (anything with `writeMessage(text)`) to receive new messages. */
  join(socket) {
    this.#sockets.add(socket);
  }

  leave(socket) {
    this.#sockets.delete(socket);
  }
}
