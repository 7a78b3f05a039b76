// Hello-world peer: @tornado-ts/httpserver (built dist), HTTPServer with a plain request callback
// (DESIGN section 4): writeHeaders with the body, then finish, as Tornado's callback form does.
import { HTTPServer } from '@tornado-ts/httpserver';
import { HTTPHeaders } from '@tornado-ts/httputil';

const body = Buffer.from('Hello, world');
const startLine = { version: 'HTTP/1.1', code: 200, reason: 'OK' };

const server = new HTTPServer((req) => {
  const headers = new HTTPHeaders({ 'Content-Type': 'text/plain', 'Content-Length': '12' });
  req.connection.writeHeaders(startLine, headers, body);
  req.connection.finish();
});
await server.listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', () => process.exit(0));
