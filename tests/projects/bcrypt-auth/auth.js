const bcrypt = require('bcrypt');

const ROUNDS = Number(process.env.BCRYPT_ROUNDS) || 10;

async function hash(password) {
  if (typeof password !== 'string' || password.length < 8) {
    throw new Error('password must be at least 8 characters');
  }
  return bcrypt.hash(password, ROUNDS);
}

function verify(password, digest) {
  return bcrypt.compare(password, digest);
}

module.exports = { hash, verify };
