const http = require('node:http');
const { open } = require('./db');

const store = open();

const server = http.createServer(async (req, res) => {
  if (req.method === 'POST' && req.url === '/notes') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const id = store.add(body);
    res.writeHead(201, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ id: Number(id) }));
  }
  if (req.url === '/') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ sqlite: store.version(), notes: store.list() }));
  }
  res.writeHead(404).end();
});

server.listen(3000, () => console.log('sqlite-notes on :3000'));
