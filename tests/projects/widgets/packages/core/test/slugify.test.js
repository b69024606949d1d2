const test = require('node:test');
const assert = require('node:assert/strict');
const { slugify } = require('..');

test('slugify basics', () => {
  assert.equal(slugify('Hello, World!'), 'hello-world');
});

test('slugify strips accents', () => {
  assert.equal(slugify('Crème Brûlée'), 'creme-brulee');
});
