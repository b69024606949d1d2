import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.js';

test('health', async (t) => {
  const app = buildApp();
  t.after(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/health' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ok' });
});

test('create and read a paste', async (t) => {
  const app = buildApp();
  t.after(() => app.close());
  const created = await app.inject({ method: 'POST', url: '/pastes/', payload: { text: 'hi' } });
  assert.equal(created.statusCode, 201);
  const { id } = created.json();
  const got = await app.inject({ method: 'GET', url: `/pastes/${id}` });
  assert.equal(got.json().text, 'hi');
  const bad = await app.inject({ method: 'POST', url: '/pastes/', payload: {} });
  assert.equal(bad.statusCode, 400);
});
