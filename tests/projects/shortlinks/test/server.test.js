import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from '../src/server.js';

async function withServer(fn) {
  const server = createServer().listen(0);
  await new Promise((r) => server.once('listening', r));
  try {
    await fn(`http://127.0.0.1:${server.address().port}`);
  } finally {
    server.close();
  }
}

test('shortens and redirects', () =>
  withServer(async (base) => {
    const res = await fetch(`${base}/links`, { method: 'POST', body: 'https://example.com/a' });
    assert.equal(res.status, 201);
    const { id } = await res.json();
    assert.match(id, /^[a-z2-9]{7}$/);
    const hop = await fetch(`${base}/${id}`, { redirect: 'manual' });
    assert.equal(hop.status, 302);
    assert.equal(hop.headers.get('location'), 'https://example.com/a');
  }));

test('rejects garbage', () =>
  withServer(async (base) => {
    assert.equal((await fetch(`${base}/links`, { method: 'POST', body: 'nope' })).status, 400);
  }));

test('root reports the count', () =>
  withServer(async (base) => {
    assert.deepEqual(await (await fetch(base)).json(), { links: 0 });
  }));
