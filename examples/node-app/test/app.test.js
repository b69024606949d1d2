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
