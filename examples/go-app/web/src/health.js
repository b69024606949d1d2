// Turn a /healthz answer into the text and class the page shows.
export function describeHealth(status, body) {
  if (status === 200 && body && body.status === 'ok') {
    return { text: 'ok', className: 'ok' };
  }
  return { text: `failing (HTTP ${status})`, className: 'failing' };
}
