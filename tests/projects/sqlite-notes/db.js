const Database = require('better-sqlite3');

function open(file = process.env.DATABASE_FILE || ':memory:') {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  return {
    add: (body) => db.prepare('INSERT INTO notes (body) VALUES (?)').run(body).lastInsertRowid,
    list: () => db.prepare('SELECT id, body FROM notes ORDER BY id').all(),
    version: () => db.prepare('SELECT sqlite_version() AS v').get().v,
    close: () => db.close(),
  };
}

module.exports = { open };
