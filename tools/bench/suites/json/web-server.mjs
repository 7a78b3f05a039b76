// JSON peer: @tornado-ts/web (built dist), one RequestHandler routed by `url('/user/([0-9]+)')`:
// the path group arrives as get()'s argument and write(object) sends it as JSON (it adds Date and
// Etag, as Tornado's web layer does).
// The access log stays at warnings, as with Python Tornado's default logging.
process.env.TORNADO_LOG_LEVEL ??= 'warn';
const { Application, RequestHandler, url } = await import('@tornado-ts/web');

class UserHandler extends RequestHandler {
  get(id) {
    this.write({ id, name: `user-${id}` });
  }
}

const server = await new Application([url('/user/([0-9]+)', UserHandler)]).listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', () => process.exit(0));
