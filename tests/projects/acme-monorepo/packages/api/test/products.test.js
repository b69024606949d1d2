const test = require('node:test');
const assert = require('node:assert/strict');
const app = require('../src/app');

test('lists products with prices from @acme/shared', async () => {
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  try {
    const body = await (await fetch(`http://127.0.0.1:${server.address().port}/products`)).json();
    assert.equal(body.length, 2);
    assert.equal(body[0].price, '€19.99');
  } finally {
    server.close();
  }
});
