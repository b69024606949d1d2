const http = require('http');
const os = require('os');

const port = process.env.PORT || 8080;

http
  .createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return res.end('ok');
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ host: os.hostname(), path: req.url, node: process.version }));
  })
  .listen(port, () => console.log(`listening on ${port}`));
