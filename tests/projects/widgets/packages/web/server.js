const http = require('node:http');
const escapeHtml = require('escape-html');
const { slugify } = require('@widgets/core');

function handler(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const title = url.searchParams.get('title') || 'Widgets Home';
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<h1 id="${slugify(title)}">${escapeHtml(title)}</h1>`);
}

if (require.main === module) {
  const port = process.env.PORT || 8080;
  http.createServer(handler).listen(port, () => console.log(`widgets web on :${port}`));
}

module.exports = { handler };
