const test = require('node:test');
const assert = require('node:assert/strict');
const { open } = require('../db');

test('stores and lists notes in order', () => {
  const s = open(':memory:');
  s.add('first');
  s.add('second');
  assert.deepEqual(s.list().map((n) => n.body), ['first', 'second']);
  s.close();
});

test('reports the bundled SQLite version', () => {
  const s = open(':memory:');
  assert.match(s.version(), /^3\.\d+\.\d+$/);
  s.close();
});
