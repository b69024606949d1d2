'use strict';
const Koa = require('koa');
const Router = require('@koa/router');
const { bodyParser } = require('@koa/bodyparser');

function createServer() {
  const app = new Koa();
  const router = new Router();
  const todos = [];

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/todos', (ctx) => {
    ctx.body = todos;
  });
  router.post('/todos', (ctx) => {
    const { title } = ctx.request.body || {};
    if (typeof title !== 'string' || !title.trim()) {
      ctx.status = 400;
      ctx.body = { error: 'title required' };
      return;
    }
    const todo = { id: todos.length + 1, title: title.trim(), done: false };
    todos.push(todo);
    ctx.status = 201;
    ctx.body = todo;
  });

  app.use(bodyParser());
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

module.exports = { createServer };
