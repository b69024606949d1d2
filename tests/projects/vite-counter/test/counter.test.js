import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCounter, label } from '../src/counter.js';

test('increments by step', () => {
  const c = createCounter(10, 5);
  c.increment();
  assert.equal(c.increment(), 20);
});

test('reset returns to start', () => {
  const c = createCounter(3);
  c.increment();
  assert.equal(c.reset(), 3);
});

test('label pluralises', () => {
  assert.equal(label(1), 'clicked 1 time');
  assert.equal(label(2), 'clicked 2 times');
});
