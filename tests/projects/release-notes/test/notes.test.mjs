import assert from "node:assert/strict";
import test from "node:test";

import { notes } from "../lib/notes.mjs";

test("newest first", () => {
  assert.equal(notes()[0].version, "1.2.0");
});

test("channel from the environment", () => {
  process.env.RELEASE_CHANNEL = "beta";
  assert.match(notes()[0].summary, /beta/);
});
