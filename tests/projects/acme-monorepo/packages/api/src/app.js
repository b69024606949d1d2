const express = require('express');
const { formatPrice } = require('@acme/shared');

const PRODUCTS = [
  { id: 1, name: 'Widget', cents: 1999 },
  { id: 2, name: 'Gadget', cents: 4500 },
];

const app = express();

app.get('/', (req, res) => res.json({ service: 'acme-api' }));

app.get('/products', (req, res) => {
  res.json(PRODUCTS.map((p) => ({ ...p, price: formatPrice(p.cents) })));
});

module.exports = app;
