// The chat through real sockets: the long-poll fallback on locks.Condition (Tornado's chat demo),
// posting messages, and the WebSocket transport, including both transports seeing each other.
import { websocketConnect } from '@tornado-ts/websocket';
import { ChatRoom } from '../lib/chat-room.mjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type Blog, Client, startBlog, waitFor } from './helpers';

let blog: Blog | undefined;
const sockets: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close().catch(() => {})));
  await blog?.close();
  blog = undefined;
});

interface Message {
  id: string;
  author: string;
  body: string;
}

async function chatClient(): Promise<Client> {
  blog ??= await startBlog({ chatPollTimeout: 1_500 });
  const client = new Client(blog.base);
  await client.request('/chat');
  return client;
}

function poll(client: Client, cursor = '') {
  return client.request('/chat/updates', { form: { cursor } }).then((reply) => {
    expect(reply.status).toBe(200);
    return reply.json<{ messages: Message[] }>().messages;
  });
}

async function openSocket(path = '/chat/socket', headers: Record<string, string> = {}) {
  const socket = await websocketConnect(blog!.base.replace('http', 'ws') + path, { headers: { Origin: blog!.base, ...headers } });
  sockets.push(socket);
  return socket;
}

async function nextFrame(socket: Awaited<ReturnType<typeof openSocket>>): Promise<Record<string, unknown>> {
  const frame = await socket.readMessage();
  if (frame === null) throw new Error('socket closed');
  return JSON.parse(String(frame));
}

describe('long poll', () => {
  it('waits on the Condition until a message arrives, then delivers it', async () => {
    const reader = await chatClient();
    const writer = await chatClient();
    const started = Date.now();
    const waiting = poll(reader);
    await waitFor(() => Date.now() - started > 200, 'a moment');
    const sent = await writer.request('/chat/new', { form: { body: 'hello <b>there</b>' } });
    expect(sent.status).toBe(200);
    const messages = await waiting;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ author: 'anonymous', body: 'hello <b>there</b>', id: sent.json().id });
  });

  it('returns at once what is newer than the cursor, and everything for an unknown cursor', async () => {
    const client = await chatClient();
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) ids.push((await client.request('/chat/new', { form: { body } })).json<Message>().id);
    expect((await poll(client, ids[0])).map((m) => m.body)).toEqual(['two', 'three']);
    expect((await poll(client, 'no-such-id')).map((m) => m.body)).toEqual(['one', 'two', 'three']);
  });

  it('answers with no messages when nothing arrives before the poll timeout', async () => {
    const client = await chatClient();
    const first = (await client.request('/chat/new', { form: { body: 'only' } })).json<Message>();
    const started = Date.now();
    expect(await poll(client, first.id)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
  });

  it('stops waiting when the client goes away (the waiter is aborted, the server keeps serving)', async () => {
    const client = await chatClient();
    const controller = new AbortController();
    const request = fetch(`${blog!.base}/chat/updates`, {
      method: 'POST',
      body: new URLSearchParams({ _xsrf: client.cookies.get('_xsrf')!, cursor: '' }),
      headers: { Cookie: `_xsrf=${client.cookies.get('_xsrf')}` },
      signal: controller.signal,
    }).catch((error: Error) => error);
    await waitFor(() => blog!.chatRoom.pollCount === 1, 'the poll to wait');
    controller.abort();
    expect(await request).toBeInstanceOf(Error);
    // Long before the 1.5 s poll timeout, the server has stopped waiting for the departed client.
    await waitFor(() => blog!.chatRoom.pollCount === 0, 'the waiter to be dropped', 500);
    const reader = poll(client);
    await client.request('/chat/new', { form: { body: 'after' } });
    expect((await reader).map((m) => m.body)).toEqual(['after']);
  });

  it('needs the XSRF token on both POSTs and refuses empty or oversized messages', async () => {
    const client = await chatClient();
    expect((await client.request('/chat/new', { form: { body: 'x' }, xsrf: false })).status).toBe(403);
    expect((await client.request('/chat/updates', { form: { cursor: '' }, xsrf: false })).status).toBe(403);
    expect((await client.request('/chat/new', { form: { body: '   ' } })).status).toBe(400);
    expect((await client.request('/chat/new', { form: { body: 'x'.repeat(2001) } })).status).toBe(400);
    expect(blog!.chatRoom.messages).toHaveLength(0);
  });

  it('names signed-in authors, and sends form posts without JavaScript back to the page', async () => {
    const client = await chatClient();
    await client.logIn('demo', 'demo-password');
    const reply = await client.request('/chat/new', { form: { body: 'from a form', next: '/chat?transport=poll' } });
    expect(reply.status).toBe(302);
    expect(reply.headers.get('location')).toBe('/chat?transport=poll');
    const page = await client.request('/chat');
    expect(page.text).toMatch(/<b class="author">Demo Author<\/b>: <span class="body">from a form<\/span>/);
    expect((await client.request('/chat/new', { form: { body: 'x', next: '//evil.example/' } })).headers.get('location')).toBe('/chat');
  });
});

describe('ChatRoom', () => {
  it('keeps the last 200 messages; a cursor that fell out of the buffer gets all of them', () => {
    const room = new ChatRoom();
    const first = room.add('a', 'message 0');
    for (let i = 1; i < 205; i++) room.add('a', `message ${i}`);
    expect(room.messages).toHaveLength(200);
    expect(room.messages[0].body).toBe('message 5');
    expect(room.messagesSince(first.id)).toHaveLength(200);
    expect(room.messagesSince(room.messages[198].id).map((m: Message) => m.body)).toEqual(['message 204']);
    expect(room.messagesSince(room.messages[199].id)).toEqual([]);
  });
});

describe('websocket', () => {
  it('broadcasts a message from one socket to every open socket, and wakes long polls too', async () => {
    const client = await chatClient();
    const a = await openSocket();
    const b = await openSocket();
    const polling = poll(client);
    await waitFor(() => blog!.chatRoom.socketCount === 2, 'two sockets in the room');
    await a.writeMessage(JSON.stringify({ body: 'hi all' }));
    for (const socket of [a, b]) {
      const frame = await nextFrame(socket);
      expect(frame.messages).toMatchObject([{ author: 'anonymous', body: 'hi all' }]);
    }
    expect((await polling).map((m) => m.body)).toEqual(['hi all']);
  });

  it('pushes messages posted over HTTP to sockets, and sends the backlog after the cursor on connect', async () => {
    const client = await chatClient();
    const first = (await client.request('/chat/new', { form: { body: 'first' } })).json<Message>();
    await client.request('/chat/new', { form: { body: 'second' } });
    const late = await openSocket(`/chat/socket?cursor=${first.id}`);
    expect((await nextFrame(late)).messages).toMatchObject([{ body: 'second' }]);
    await waitFor(() => blog!.chatRoom.socketCount === 1, 'the socket in the room');
    await client.request('/chat/new', { form: { body: 'third' } });
    expect((await nextFrame(late)).messages).toMatchObject([{ body: 'third' }]);
  });

  it('knows the signed-in user from the session cookie', async () => {
    const client = await chatClient();
    await client.logIn('demo', 'demo-password');
    const socket = await openSocket('/chat/socket', { Cookie: `session=${client.cookies.get('session')}` });
    await waitFor(() => blog!.chatRoom.socketCount === 1, 'the socket in the room');
    await socket.writeMessage(JSON.stringify({ body: 'signed' }));
    expect((await nextFrame(socket)).messages).toMatchObject([{ author: 'Demo Author', body: 'signed' }]);
  });

  it('answers bad frames with an error to the sender only, and leaves the room on close', async () => {
    await chatClient();
    const a = await openSocket();
    const b = await openSocket();
    await waitFor(() => blog!.chatRoom.socketCount === 2, 'two sockets in the room');
    await a.writeMessage('not json');
    expect((await nextFrame(a)).error).toContain('expected JSON');
    await a.writeMessage(JSON.stringify({ body: '' }));
    expect((await nextFrame(a)).error).toContain('body: the message must not be empty');
    await a.writeMessage(JSON.stringify({ body: 'ok' }));
    // b saw only the valid message.
    expect((await nextFrame(b)).messages).toMatchObject([{ body: 'ok' }]);
    const closing = a.close();
    await waitFor(() => blog!.chatRoom.socketCount === 1, 'the closed socket gone from the room');
    await closing;
  });

  it('refuses a cross-origin upgrade with 403', async () => {
    await chatClient();
    await expect(openSocket('/chat/socket', { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    expect(blog!.chatRoom.socketCount).toBe(0);
  });
});
