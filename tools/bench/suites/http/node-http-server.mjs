// Hello-world peer: node:http, the usual way (writeHead with Content-Length, then end).
import http from 'node:http';
import { announce } from '../../lib/announce.mjs';

const body = 'Hello, world';

announce(
  http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '12' });
    res.end(body);
  }),
);
