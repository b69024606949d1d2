const assert = require("node:assert/strict");
const test = require("node:test");
const { eta } = require("@tracker/eta");

test("late parcels are due now", () => {
  assert.equal(eta(50, 48), "due now");
});

test("time left in words", () => {
  assert.equal(eta(20, 48), "in 1 day");
});
