// Hello-world peer: express 5, one GET route answering with res.send(body). Content-Type is set
// with Node's res.setHeader and the body is a Buffer, so that express sends `text/plain` as given
// (res.type / res.set and a string body append `; charset=utf-8`); it adds its ETag as usual.
// `x-powered-by` is off, as most deployments turn it off.
import http from 'node:http';
import express from 'express';
import { announce } from '../../lib/announce.mjs';

const body = Buffer.from('Hello, world');

const app = express();
app.disable('x-powered-by');
app.get('/', (req, res) => {
  res.setHeader('Content-Type', 'text/plain');
  res.send(body);
});
announce(http.createServer(app));
