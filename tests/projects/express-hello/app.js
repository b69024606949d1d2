const express = require('express');

const app = express();

app.get('/', (req, res) => {
  res.send('Hello World!');
});

app.get('/api/time', (req, res) => {
  res.json({ now: new Date().toISOString() });
});

module.exports = app;
