import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { convert, isUnit } from './temperature';

export function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ts-service: try /convert?value=100&from=C&to=F\n');
    return;
  }
  if (url.pathname === '/convert') {
    const value = Number(url.searchParams.get('value'));
    const from = url.searchParams.get('from');
    const to = url.searchParams.get('to');
    if (Number.isNaN(value) || !isUnit(from) || !isUnit(to)) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'value, from and to (C|F|K) are required' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ value: convert(value, from, to), unit: to }));
    return;
  }
  res.writeHead(404).end();
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 3000);
  createServer(handle).listen(port, () => console.log(`ts-service listening on ${port}`));
}
