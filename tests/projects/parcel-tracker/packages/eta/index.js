const ms = require("ms");

function eta(hoursInTransit, promisedHours) {
  const left = Math.max(promisedHours - hoursInTransit, 0);
  return left === 0 ? "due now" : `in ${ms(left * 3600 * 1000, { long: true })}`;
}

module.exports = { eta };
