const fs = require('node:fs');
const path = require('node:path');
const express = require('express');

const template = fs.readFileSync(path.join(__dirname, 'views', 'board.html'), 'utf8');
const services = (process.env.BOARD_SERVICES || 'api,web,db').split(',');

function render(list) {
  const rows = list.map((s) => `<li>${s.replace(/[<>&]/g, '')}: up</li>`).join('');
  return template.replace('{{rows}}', rows).replace('{{env}}', process.env.NODE_ENV || 'development');
}

const app = express();
app.get('/', (req, res) => res.type('html').send(render(services)));
app.get('/healthz', (req, res) => res.json({ ok: true }));

if (require.main === module) {
  const port = process.env.PORT || 5000;
  app.listen(port, () => console.log(`status-board (${process.env.NODE_ENV}) on :${port}`));
}

module.exports = { app, render };
