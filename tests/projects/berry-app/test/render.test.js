const test = require('node:test');
const assert = require('node:assert/strict');
const { page } = require('../render');

test('greets by name', () => {
  assert.match(page('Ada'), /Hello, Ada!/);
});

test('escapes the name', () => {
  assert.match(page('<x>'), /&lt;x&gt;/);
});
