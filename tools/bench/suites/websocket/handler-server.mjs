// WebSocket echo peer: @tornado-ts/websocket (built dist), one WebSocketHandler in an Application,
// written as DESIGN.md's example: onMessage returns writeMessage(message).
// The access log stays at warnings (as in the http suite's web peer).
process.env.TORNADO_LOG_LEVEL ??= 'warn';
const { Application } = await import('@tornado-ts/web');
const { WebSocketHandler } = await import('@tornado-ts/websocket');

class EchoHandler extends WebSocketHandler {
  onMessage(message) {
    return this.writeMessage(message);
  }
}

const server = await new Application([['/', EchoHandler]]).listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', () => process.exit(0));
