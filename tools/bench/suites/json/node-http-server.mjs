// JSON peer: node:http, routed by hand the usual way for a bare server: one regex on the URL
// picks the id, the answer is JSON.stringify of a small object with Content-Type and
// Content-Length; anything else is a 404.
import http from 'node:http';
import { announce } from '../../lib/announce.mjs';

const USER = /^\/user\/([0-9]+)$/;

announce(
  http.createServer((req, res) => {
    const match = req.method === 'GET' ? USER.exec(req.url) : null;
    if (match === null) {
      res.writeHead(404, { 'Content-Length': '0' });
      res.end();
      return;
    }
    const id = match[1];
    const body = JSON.stringify({ id, name: `user-${id}` });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }),
);
