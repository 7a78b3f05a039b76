// JSON peer: fastify 5, logger off, route `/user/:id` returning an object (serialized by fastify,
// `application/json; charset=utf-8`).
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/user/:id', (request) => {
  const { id } = request.params;
  return { id, name: `user-${id}` };
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
process.on('SIGTERM', () => process.exit(0));
