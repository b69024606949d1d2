function formatPrice(cents, currency = 'EUR') {
  if (!Number.isInteger(cents)) throw new TypeError('cents must be an integer');
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(cents / 100);
}

module.exports = { formatPrice };
