const test = require('node:test');
const assert = require('node:assert/strict');
const { formatPrice } = require('..');

test('formats cents as currency', () => {
  assert.equal(formatPrice(1999), '€19.99');
});

test('rejects fractions of a cent', () => {
  assert.throws(() => formatPrice(1.5), TypeError);
});
