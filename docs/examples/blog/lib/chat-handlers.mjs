// The chat: a page, a POST to say something, and a long-poll POST that waits on the room's
// Condition for messages after a cursor (Tornado's chat demo). WebSocket clients get the same
// messages pushed through ChatSocketHandler (chat-socket.mjs).
import { HTTPError } from '@tornado-ts/web';
import { BaseHandler } from './base-handler.mjs';
import { chatInput, describeZodError } from './validation.mjs';

/** How long a long-poll waits before answering with no messages (the browser asks again at once). */
const DEFAULT_POLL_TIMEOUT_MS = 25_000;

/** The name shown beside a message: the signed-in user's, or "anonymous". */
export function chatAuthor(user) {
  return user ? user.name : 'anonymous';
}

export class ChatPageHandler extends BaseHandler {
  get() {
    const transport = this.getArgument('transport', 'auto') === 'poll' ? 'poll' : 'auto';
    return this.render('chat.html', { messages: this.settings.chatRoom.messages, transport });
  }
}

export class ChatNewHandler extends BaseHandler {
  post() {
    const parsed = chatInput.safeParse({ body: this.getArgument('body', '') });
    if (!parsed.success) throw new HTTPError(400, 'chat message refused: %s', describeZodError(parsed.error));
    const message = this.settings.chatRoom.add(chatAuthor(this.currentUser), parsed.data.body);
    // A browser without JavaScript posts the form and comes back to the page.
    const next = this.getArgument('next', null);
    if (next !== null) return this.redirect(this.safeNext(next, '/chat'));
    this.write(message);
  }
}

export class ChatUpdatesHandler extends BaseHandler {
  #clientGone = new AbortController();

  async post() {
    const cursor = this.getArgument('cursor', null) || null;
    const timeout = this.settings.chatPollTimeout ?? DEFAULT_POLL_TIMEOUT_MS;
    const messages = await this.settings.chatRoom.waitForMessages(cursor, { timeout, signal: this.#clientGone.signal });
    if (this.#clientGone.signal.aborted) return;
    this.write({ messages });
  }

  onConnectionClose() {
    this.#clientGone.abort();
  }
}
