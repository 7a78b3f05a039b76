// Hello-world peer: @tornado-ts/web (built dist), one RequestHandler in an Application, as most
// code uses the web layer: set Content-Type, write the body (it adds Date and Etag, and
// Content-Length when finishing).
// The access log stays at warnings, as with Python Tornado's default logging (its info-level
// access lines are not printed unless logging is configured); ours prints them by default.
process.env.TORNADO_LOG_LEVEL ??= 'warn';
const { Application, RequestHandler } = await import('@tornado-ts/web');

class HelloHandler extends RequestHandler {
  get() {
    this.setHeader('Content-Type', 'text/plain');
    this.write('Hello, world');
  }
}

const server = await new Application([['/', HelloHandler]]).listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', () => process.exit(0));
