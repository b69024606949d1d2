'use strict';
// The request handler, separate from the listening server so tests can start it on any port.
const http = require('node:http');
const escapeHtml = require('escape-html');

function createApp(greeting) {
  return http.createServer((req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' });
      res.end('method not allowed\n');
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok' }));
    } else if (path === '/') {
      // The greeting comes from the environment: escape it, it is not ours to trust as HTML.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html>\n<title>node-app</title>\n<h1>${escapeHtml(greeting)}</h1>\n`);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    }
  });
}

module.exports = { createApp };
