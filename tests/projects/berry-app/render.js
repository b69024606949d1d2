const escapeHtml = require('escape-html');

function page(name) {
  return `<!doctype html><h1>Hello, ${escapeHtml(name)}!</h1>`;
}

module.exports = { page };
