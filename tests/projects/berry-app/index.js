const http = require('node:http');
const { page } = require('./render');

const port = Number(process.env.PORT) || 3000;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/') {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(page(url.searchParams.get('name') || 'berry'));
});

server.listen(port, () => console.log(`berry-app on :${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
