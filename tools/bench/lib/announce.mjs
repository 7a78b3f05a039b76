// The server side of the harness protocol, for Node servers: listen on 127.0.0.1, port 0, and
// print {"port": N} as the first line of stdout. SIGTERM exits cleanly so --cpu-prof is written.

/** Listens with `server` (a net.Server or http.Server) and tells the harness its port. */
export function announce(server) {
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}
