// JSON peer: express 5, `x-powered-by` off, route `/user/:id` answering with res.json (it adds its
// ETag).
import http from 'node:http';
import express from 'express';
import { announce } from '../../lib/announce.mjs';

const app = express();
app.disable('x-powered-by');
app.get('/user/:id', (req, res) => {
  const { id } = req.params;
  res.json({ id, name: `user-${id}` });
});
announce(http.createServer(app));
