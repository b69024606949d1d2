const http = require('node:http');
const { hash, verify } = require('./auth');

const users = new Map();

async function readJSON(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw ? JSON.parse(raw) : {};
}

function send(res, code, body) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer(async (req, res) => {
  try {
    if (req.method === 'GET' && req.url === '/') return send(res, 200, { users: users.size });
    if (req.method === 'POST' && req.url === '/register') {
      const { user, password } = await readJSON(req);
      users.set(user, await hash(password));
      return send(res, 201, { user });
    }
    if (req.method === 'POST' && req.url === '/login') {
      const { user, password } = await readJSON(req);
      const ok = users.has(user) && (await verify(password, users.get(user)));
      return send(res, ok ? 200 : 401, { ok });
    }
    send(res, 404, { error: 'not found' });
  } catch (err) {
    send(res, 400, { error: err.message });
  }
});

const port = process.env.PORT || 3000;
server.listen(port, () => console.log(`bcrypt-auth on :${port}`));
