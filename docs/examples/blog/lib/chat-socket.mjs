// The chat over a WebSocket: each open socket joins the room and gets every new message pushed;
// what it sends ({"body": "..."}) is added to the room for everyone, long-pollers included.
// Cross-origin pages cannot connect (WebSocketHandler's same-origin check), so no XSRF token is needed.
import { WebSocketHandler } from '@tornado-ts/websocket';
import { chatAuthor } from './chat-handlers.mjs';
import { loadSessionUser } from './session-user.mjs';
import { chatInput, describeZodError } from './validation.mjs';

export class ChatSocketHandler extends WebSocketHandler {
  async prepare() {
    this.currentUser = (await loadSessionUser(this)).user;
  }

  get room() {
    return this.settings.chatRoom;
  }

  open() {
    this.room.join(this);
    // What arrived after the page was rendered (the page sends its last message id as `cursor`).
    const backlog = this.room.messagesSince(this.getArgument('cursor', null) || null);
    if (backlog.length > 0) return this.writeMessage(JSON.stringify({ messages: backlog }));
  }

  onMessage(data) {
    let parsed;
    try {
      parsed = chatInput.safeParse(JSON.parse(typeof data === 'string' ? data : data.toString('utf8')));
    } catch {
      return this.writeMessage(JSON.stringify({ error: 'expected JSON: {"body": "..."}' }));
    }
    if (!parsed.success) return this.writeMessage(JSON.stringify({ error: describeZodError(parsed.error) }));
    this.room.add(chatAuthor(this.currentUser), parsed.data.body);
  }

  onClose() {
    this.room.leave(this);
  }
}
