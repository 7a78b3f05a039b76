import { packageConfig } from '../../tools/tsup-config';

// One entry per subpath (`tornado-ts/web`, ...) besides the index. Each is only re-exports of the
// @tornado-ts packages, which stay external: the umbrella bundles no copy of them.
export default {
  ...packageConfig(['src/index.ts', 'src/escape.ts', 'src/options.ts', 'src/ioloop.ts', 'src/locks.ts', 'src/queues.ts', 'src/iostream.ts', 'src/tcpserver.ts', 'src/tcpclient.ts', 'src/httputil.ts', 'src/httpserver.ts', 'src/httpclient.ts', 'src/template.ts', 'src/web.ts', 'src/websocket.ts', 'src/testing.ts', 'src/ioloop-executor.ts']),
  external: [/^@tornado-ts\//, 'piscina'],
};
