const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { handler } = require('../server');

test('renders a slugged heading', async () => {
  const server = http.createServer(handler).listen(0);
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${server.address().port}/?title=Big%20Widget`);
    assert.equal(await res.text(), '<h1 id="big-widget">Big Widget</h1>');
  } finally {
    server.close();
  }
});
