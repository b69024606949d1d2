const test = require('node:test');
const assert = require('node:assert');
const app = require('../app');

function withServer(fn) {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, async () => {
      try {
        await fn(`http://127.0.0.1:${server.address().port}`);
        resolve();
      } catch (err) {
        reject(err);
      } finally {
        server.close();
      }
    });
  });
}

test('GET / says hello', () =>
  withServer(async (base) => {
    const res = await fetch(base + '/');
    assert.strictEqual(res.status, 200);
    assert.strictEqual(await res.text(), 'Hello World!');
  }));

test('GET /api/time returns an ISO date', () =>
  withServer(async (base) => {
    const body = await (await fetch(base + '/api/time')).json();
    assert.ok(!Number.isNaN(Date.parse(body.now)));
  }));

test('unknown route is 404', () =>
  withServer(async (base) => {
    assert.strictEqual((await fetch(base + '/nope')).status, 404);
  }));
