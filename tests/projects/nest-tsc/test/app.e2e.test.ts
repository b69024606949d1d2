import 'reflect-metadata';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';

test('health and items over HTTP', async () => {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  try {
    const health = await fetch(`${base}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    assert.equal((await fetch(`${base}/items/A-1`)).status, 200);
    assert.equal((await fetch(`${base}/items/nope`)).status, 404);
  } finally {
    await app.close();
  }
});
