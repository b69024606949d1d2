#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const { toc } = require('../lib/toc');

const file = process.argv[2] || path.join(__dirname, '..', 'README.md');
process.stdout.write(toc(fs.readFileSync(file, 'utf8')) + '\n');
