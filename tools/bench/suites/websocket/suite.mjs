// The websocket suite: echo messages per second over WebSocket. Every peer gets the same load: the
// `ws` client, `connections` connections each sending one small text message and waiting for its
// echo before sending the next. The peers differ only in the server.
export default {
  name: 'websocket',
  title: 'WebSocket echo',
  about:
    'Each connection (the `ws` client, no compression) sends a 64-byte text message and waits for the server to echo it before sending the next; ' +
    'the figure is echoed messages per second over all connections.',
  unit: 'messages/s',
  cpus: { server: 0, load: 1 },
  dir: new URL('./', import.meta.url),
  load: 'load.mjs',
  loadOptions: { messageBytes: 64 },
  defaults: { connections: 50 },
  peers: [
    {
      name: 'ws',
      about: '`ws` `WebSocketServer` on a `node:http` server, `send(data, { binary })` on each message (`ws-server.mjs`)',
      command: ['node', 'ws-server.mjs'],
      npm: ['ws'],
    },
    {
      name: 'WebSocketHandler',
      about:
        '`@tornado-ts/websocket` dist, a `WebSocketHandler` in an `Application` whose `onMessage` returns `writeMessage(message)` (`handler-server.mjs`)',
      command: ['node', 'handler-server.mjs'],
      packages: ['@tornado-ts/websocket'],
    },
  ],
  baselines: ['ws'],
  targets: [{ peer: 'WebSocketHandler', baseline: 'ws', atLeast: 0.9 }],
};
