const test = require('node:test');
const assert = require('node:assert/strict');
const { toc, slug } = require('../lib/toc');

test('nested headings', () => {
  assert.equal(toc('# A\n## B c'), '- [A](#a)\n  - [B c](#b-c)');
});

test('ignores fenced code', () => {
  assert.equal(toc('```\n# no\n```\n# yes'), '- [yes](#yes)');
});

test('slug strips punctuation', () => {
  assert.equal(slug('Hello, World!'), 'hello-world');
});
