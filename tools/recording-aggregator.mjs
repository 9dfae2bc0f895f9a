// A stand-in HTTP aggregator for the local demo (docker-compose): records every request it gets and
// answers 200, so a send through an `ex` or `template` channel pointed at it can be seen end to end.
//   GET /requests   the recorded requests, newest last (up to MAX_RECORDED)
//   GET /health     200 when listening
//   anything else   recorded, answered with STATUS (default 200) and a small JSON body
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

const port = Number(process.env.PORT ?? 9090);
const status = Number(process.env.STATUS ?? 200);
const maxRecorded = Number(process.env.MAX_RECORDED ?? 1000);
const recorded = [];

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const url = new URL(request.url ?? '/', 'http://aggregator');
    if (request.method === 'GET' && url.pathname === '/health') return send(response, 200, { ok: true });
    if (request.method === 'GET' && url.pathname === '/requests') return send(response, 200, recorded);
    const body = Buffer.concat(chunks).toString('utf8');
    const entry = { at: new Date().toISOString(), method: request.method, url: request.url, body };
    entry.headers = {
      ...request.headers,
      authorization: request.headers.authorization ? '[present]' : undefined,
    };
    recorded.push(entry);
    if (recorded.length > maxRecorded) recorded.shift();
    console.log(JSON.stringify({ msg: 'request', method: entry.method, url: entry.url, bytes: body.length }));
    send(response, status, { id: randomUUID(), status: status < 300 ? 'accepted' : 'error' });
  });
});

function send(response, code, body) {
  response.writeHead(code, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

server.listen(port, '0.0.0.0', () =>
  console.log(JSON.stringify({ msg: 'recording aggregator listening', port })),
);
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
