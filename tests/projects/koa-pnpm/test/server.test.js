'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const request = require('supertest');
const { createServer } = require('../lib/server');

test('GET /healthz', async () => {
  const res = await request(createServer().callback()).get('/healthz');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { status: 'ok' });
});

test('POST /todos validates and creates', async () => {
  const agent = request(createServer().callback());
  assert.equal((await agent.post('/todos').send({})).status, 400);
  const res = await agent.post('/todos').send({ title: ' milk ' });
  assert.equal(res.status, 201);
  assert.equal(res.body.title, 'milk');
});
