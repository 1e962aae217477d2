/**
 * The benchmark's endpoint: a keep-alive HTTP server in its own process (so it does not share
 * the worker's event loop) that answers 200 at once and remembers when each event arrived.
 * The parent asks for the arrivals over IPC.
 */
const http = require('node:http');

const arrivals = []; // [sentAtMs, receivedAtMs] per request that carried data.sentAt
let count = 0;
// While a ledger run records: [webhook-id, receivedAtMs] per request, duplicates included.
let ledger = null;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const receivedAt = performance.timeOrigin + performance.now();
    count++;
    if (ledger) ledger.push([req.headers['webhook-id'] ?? '', receivedAt]);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
    const body = Buffer.concat(chunks).toString();
    const match = /"sentAt":([0-9.]+)/.exec(body);
    if (match) arrivals.push([Number(match[1]), receivedAt]);
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 61_000;

process.on('message', (message) => {
  if (message === 'arrivals') {
    process.send({ count, arrivals: arrivals.splice(0) });
  } else if (message === 'ledger-start') {
    ledger = [];
    process.send({ recording: true });
  } else if (message === 'ledger-take') {
    process.send({ ledger: ledger ? ledger.splice(0) : [] });
  } else if (message === 'ledger-stop') {
    ledger = null;
    process.send({ recording: false });
  } else if (message === 'reset') {
    count = 0;
    arrivals.length = 0;
    process.send({ reset: true });
  }
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
