// Webhook receiver for the simple scheme: `x-webhook-signature: sha256=<hex>`, the HMAC-SHA256
// of the raw body keyed with the whole secret string. It signs no timestamp, so it gives no
// replay protection: prefer the Standard Webhooks signature when you can.
// Run: WEBHOOK_SECRET=whsec_... PORT=8080 node verify-simple.js
const crypto = require('node:crypto');
const http = require('node:http');

const secret = process.env.WEBHOOK_SECRET; // used as is, "whsec_" prefix included
const port = Number(process.env.PORT || 8080);

function verify(headers, rawBody) {
  const header = headers['x-webhook-signature'];
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = crypto.createHmac('sha256', secret).update(rawBody).digest();
  const received = Buffer.from(header.slice('sha256='.length), 'hex');
  return received.length === expected.length && crypto.timingSafeEqual(received, expected);
}

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks); // the exact bytes that were signed
      const verified = req.method === 'POST' && verify(req.headers, rawBody);
      const event = verified ? JSON.parse(rawBody.toString('utf8')) : null;
      console.log(JSON.stringify({ verified, type: event ? event.type : null }));
      // Answer 2xx first; do the real work (de-duplicated on event.id) asynchronously.
      res.writeHead(verified ? 204 : 400).end();
    });
  })
  .listen(port, () => console.error(`listening on ${port}`));
