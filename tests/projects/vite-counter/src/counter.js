export function createCounter(start = 0, step = 1) {
  let value = start;
  return {
    get value() {
      return value;
    },
    increment() {
      value += step;
      return value;
    },
    reset() {
      value = start;
      return value;
    },
  };
}

export function label(n) {
  return n === 1 ? 'clicked 1 time' : `clicked ${n} times`;
}
