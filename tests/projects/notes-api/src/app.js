const express = require('express');
const escapeHtml = require('escape-html');

function createApp() {
  const app = express();
  const notes = [];
  app.use(express.json());

  app.get('/', (req, res) => {
    const items = notes.map((n) => `<li>${escapeHtml(n.text)}</li>`).join('');
    res.type('html').send(`<h1>Notes</h1><ul>${items}</ul>`);
  });

  app.get('/notes', (req, res) => res.json(notes));

  app.post('/notes', (req, res) => {
    if (!req.body || typeof req.body.text !== 'string' || !req.body.text.trim()) {
      return res.status(400).json({ error: 'text is required' });
    }
    const note = { id: notes.length + 1, text: req.body.text };
    notes.push(note);
    res.status(201).json(note);
  });

  return app;
}

module.exports = { createApp };
