/* tailor_static: a minimal static file server for single-page apps on distroless Node.js.
   GET and HEAD only; paths are decoded, normalised and must stay inside the root (symlinks are
   resolved and checked too); unknown paths without an extension get index.html (client-side
   routing); PORT from the environment. Lines are joined without separators into one
   `node -e` argument, so every statement ends with its own semicolon and no line comments. */
const http = require('http'), fs = require('fs'), path = require('path');
const root = fs.realpathSync(path.resolve(process.argv[1]));
const types = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.ico': 'image/x-icon', '.webp': 'image/webp', '.avif': 'image/avif', '.woff': 'font/woff',
  '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8', '.wasm': 'application/wasm'};
const inside = (p) => p === root || p.startsWith(root + path.sep);
const fail = (res, code) => { res.writeHead(code, {'Content-Type': 'text/plain'}); res.end(String(code)); };
const send = (req, res, file) => fs.realpath(file, (err, real) => {
  if (err || !inside(real)) { return fail(res, 404); }
  fs.stat(real, (err2, st) => {
    if (err2 || !st.isFile()) { return fail(res, 404); }
    res.writeHead(200, {'Content-Type': types[path.extname(real).toLowerCase()] || 'application/octet-stream',
      'Content-Length': st.size, 'X-Content-Type-Options': 'nosniff'});
    if (req.method === 'HEAD') { return res.end(); }
    fs.createReadStream(real).on('error', () => res.destroy()).pipe(res);
  });
});
http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') { res.setHeader('Allow', 'GET, HEAD'); return fail(res, 405); }
  let url;
  try { url = decodeURIComponent(new URL(req.url, 'http://localhost').pathname); } catch (e) { return fail(res, 400); }
  if (url.includes('\0')) { return fail(res, 400); }
  const file = path.join(root, path.normalize(url));
  if (!inside(file)) { return fail(res, 403); }
  fs.stat(file, (err, st) => {
    if (!err && st.isDirectory()) { return send(req, res, path.join(file, 'index.html')); }
    if (!err && st.isFile()) { return send(req, res, file); }
    if (path.extname(url)) { return fail(res, 404); }
    send(req, res, path.join(root, 'index.html'));
  });
}).listen(Number(process.env.PORT) || __PORT__, '0.0.0.0');
