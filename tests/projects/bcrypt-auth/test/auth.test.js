const test = require('node:test');
const assert = require('node:assert/strict');
const { hash, verify } = require('../auth');

test('hash is a bcrypt digest', async () => {
  assert.match(await hash('correct horse'), /^\$2b\$10\$/);
});

test('verify accepts the right password only', async () => {
  const digest = await hash('correct horse');
  assert.equal(await verify('correct horse', digest), true);
  assert.equal(await verify('wrong horse!', digest), false);
});

test('short passwords are rejected', async () => {
  await assert.rejects(hash('short'), /at least 8/);
});
