// The umbrella: every tornado-ts package under its Tornado module name (`tornado.web` -> `web`).
export * as escape from '@tornado-ts/escape';
export * as options from '@tornado-ts/options';
export * as ioloop from '@tornado-ts/ioloop';
export * as locks from '@tornado-ts/locks';
export * as queues from '@tornado-ts/queues';
export * as iostream from '@tornado-ts/iostream';
export * as tcpserver from '@tornado-ts/tcpserver';
export * as tcpclient from '@tornado-ts/tcpclient';
export * as httputil from '@tornado-ts/httputil';
export * as httpserver from '@tornado-ts/httpserver';
export * as httpclient from '@tornado-ts/httpclient';
export * as template from '@tornado-ts/template';
export * as web from '@tornado-ts/web';
export * as websocket from '@tornado-ts/websocket';
export * as testing from '@tornado-ts/testing';
// The executor (ioloop's piscina subpath) is only at 'tornado-ts/ioloop/executor': piscina is optional.
