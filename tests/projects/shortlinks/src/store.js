import { customAlphabet } from 'nanoid';

const makeId = customAlphabet('abcdefghijkmnopqrstuvwxyz23456789', 7);

export function createStore() {
  const links = new Map();
  return {
    add(url) {
      const parsed = new URL(url); // throws on invalid input
      const id = makeId();
      links.set(id, parsed.href);
      return id;
    },
    get: (id) => links.get(id),
    size: () => links.size,
  };
}
