import test from 'node:test';
import assert from 'node:assert/strict';
import { convert, isUnit } from './temperature';

test('boiling point in Fahrenheit', () => {
  assert.equal(convert(100, 'C', 'F'), 212);
});

test('absolute zero in Celsius', () => {
  assert.equal(convert(0, 'K', 'C'), -273.15);
});

test('unit guard', () => {
  assert.ok(isUnit('K'));
  assert.ok(!isUnit('X'));
});
