import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../app.js';

test('healthz', async () => {
  const res = await createApp({}).request('/healthz');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
});

test('greeting comes from the environment', async () => {
  const res = await createApp({ GREETING: 'Hej' }).request('/?name=Ana');
  assert.equal(await res.text(), 'Hej, Ana!');
});
