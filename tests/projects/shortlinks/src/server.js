import http from 'node:http';
import { createStore } from './store.js';

export function createServer(store = createStore()) {
  return http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ links: store.size() }));
    }
    if (req.method === 'POST' && url.pathname === '/links') {
      let body = '';
      for await (const chunk of req) body += chunk;
      try {
        const id = store.add(body.trim());
        res.writeHead(201, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ id }));
      } catch {
        res.writeHead(400);
        return res.end('invalid url');
      }
    }
    const target = store.get(url.pathname.slice(1));
    if (target) {
      res.writeHead(302, { location: target });
      return res.end();
    }
    res.writeHead(404);
    res.end('not found');
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = process.env.PORT || 8080;
  createServer().listen(port, () => console.log(`shortlinks on :${port}`));
}
