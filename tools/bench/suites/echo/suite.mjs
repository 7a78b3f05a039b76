// The echo suite: TCP line echo round trips per second. A peer is one entry: its server command
// (run in this folder; `node` means this Node binary), plus the workspace packages it measures
// (built first) or a probe command whose failure skips it and whose output names its version.
export default {
  name: 'echo',
  title: 'TCP line echo',
  about:
    'Each connection sends a 64-byte line ending in `\\n` and waits for the server to echo it before sending the next; ' +
    'the figure is round trips per second over all connections. Every server writes back each complete line.',
  unit: 'round trips/s',
  cpus: { server: 0, load: 1 },
  dir: new URL('./', import.meta.url),
  load: 'load.mjs',
  loadOptions: { lineBytes: 64 },
  peers: [
    {
      name: 'net',
      about: '`node:net`, lines split by hand with `indexOf` on each chunk (`net-server.mjs`)',
      command: ['node', 'net-server.mjs'],
    },
    {
      name: 'IOStream',
      about: '`@tornado-ts/iostream` dist, `readUntil("\\n")` then `write` (`iostream-server.mjs`)',
      command: ['node', 'iostream-server.mjs'],
      packages: ['@tornado-ts/iostream'],
    },
    {
      name: 'TCPServer',
      about: '`@tornado-ts/tcpserver` dist, `handleStream` with `readUntil("\\n")` then `write` (`tcpserver-server.mjs`)',
      command: ['node', 'tcpserver-server.mjs'],
      packages: ['@tornado-ts/tcpserver'],
    },
    {
      name: 'Python Tornado',
      about: 'Debian python3-tornado, `TCPServer.handle_stream` with `read_until(b"\\n")` then `write` (`tornado_server.py`)',
      command: ['/usr/bin/python3', 'tornado_server.py'],
      probe: ['/usr/bin/python3', '-c', 'import sys, tornado; print(f"Python {sys.version.split()[0]}, Tornado {tornado.version}")'],
    },
  ],
  baselines: ['net', 'Python Tornado'],
  targets: [
    { peer: 'IOStream', baseline: 'net', atLeast: 0.85 },
    { peer: 'IOStream', baseline: 'Python Tornado', atLeast: 2.5 },
    { peer: 'TCPServer', baseline: 'net', atLeast: 0.85 },
    { peer: 'TCPServer', baseline: 'Python Tornado', atLeast: 2.5 },
  ],
};
