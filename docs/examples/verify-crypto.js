// Webhook receiver that verifies Standard Webhooks signatures with Node's built-in crypto.
// Run: WEBHOOK_SECRET=whsec_... PORT=8080 node verify-crypto.js
const crypto = require('node:crypto');
const http = require('node:http');

// The HMAC key is the base64-decoded part of the secret after "whsec_".
const key = Buffer.from(process.env.WEBHOOK_SECRET.replace(/^whsec_/, ''), 'base64');
const port = Number(process.env.PORT || 8080);
const TOLERANCE_SECONDS = 5 * 60;

function verify(headers, rawBody) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  // Reject replays: the timestamp is signed, so it cannot be changed without breaking the HMAC.
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const expected = crypto
    .createHmac('sha256', key)
    .update(`${id}.${timestamp}.`)
    .update(rawBody)
    .digest();
  // Space-separated "v1,<base64>" entries: two while a rotated secret is in its grace period.
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) return false;
    const received = Buffer.from(signature, 'base64');
    return received.length === expected.length && crypto.timingSafeEqual(received, expected);
  });
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
