'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { createApp } = require('../src/app');

async function withServer(greeting, fn) {
  const server = createApp(greeting);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn(`http://127.0.0.1:${server.address().port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

test('healthz answers 200 with JSON status ok', async () => {
  await withServer('hi', async (base) => {
    const res = await fetch(`${base}/healthz`);
    assert.strictEqual(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.deepStrictEqual(await res.json(), { status: 'ok' });
  });
});

test('root shows the greeting, HTML-escaped', async () => {
  await withServer('Hi <b>there</b> & welcome', async (base) => {
    const res = await fetch(`${base}/`);
    assert.strictEqual(res.status, 200);
    const body = await res.text();
    assert.ok(body.includes('<h1>Hi &lt;b&gt;there&lt;/b&gt; &amp; welcome</h1>'), body);
  });
});

test('unknown paths are 404 and other methods 405', async () => {
  await withServer('hi', async (base) => {
    assert.strictEqual((await fetch(`${base}/nope`)).status, 404);
    assert.strictEqual((await fetch(`${base}/`, { method: 'POST' })).status, 405);
  });
});

test('the entry command reads PORT and GREETING and stops cleanly on SIGTERM', async () => {
  const { spawn } = require('node:child_process');
  const path = require('node:path');
  const net = require('node:net');
  const port = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'server.js')], {
    env: { ...process.env, PORT: String(port), GREETING: 'from the environment' },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    let body;
    for (let attempt = 0; attempt < 100 && body === undefined; attempt++) {
      try {
        body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    assert.ok(body && body.includes('<h1>from the environment</h1>'), body);
  } finally {
    child.kill('SIGTERM');
  }
  assert.strictEqual(await exited, 0);
});

test('a bad PORT is refused with exit code 2', () => {
  const { spawnSync } = require('node:child_process');
  const path = require('node:path');
  const result = spawnSync(process.execPath, [path.join(__dirname, '..', 'src', 'server.js')], {
    env: { ...process.env, PORT: 'http' },
    encoding: 'utf8',
  });
  assert.strictEqual(result.status, 2);
  assert.match(result.stderr, /PORT must be a TCP port number/);
});
