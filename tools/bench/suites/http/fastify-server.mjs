// Hello-world peer: fastify 5, logger off, one GET route answering with reply.type().send().
import Fastify from 'fastify';

const body = 'Hello, world';

const app = Fastify({ logger: false });
app.get('/', (request, reply) => {
  reply.type('text/plain').send(body);
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
process.on('SIGTERM', () => process.exit(0));
