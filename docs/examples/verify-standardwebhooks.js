// Webhook receiver that verifies signatures with the `standardwebhooks` package
// (npm install standardwebhooks).
// Run: WEBHOOK_SECRET=whsec_... PORT=8080 node verify-standardwebhooks.js
const http = require('node:http');
const { Webhook } = require('standardwebhooks');

const webhook = new Webhook(process.env.WEBHOOK_SECRET); // the whole "whsec_..." string
const port = Number(process.env.PORT || 8080);

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      // Verify the raw body exactly as received: never JSON.parse and re-stringify it first.
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let event = null;
      try {
        // Checks webhook-signature (any `v1,` entry may match) and a webhook-timestamp
        // within 5 minutes; returns the parsed body.
        if (req.method === 'POST') event = webhook.verify(rawBody, req.headers);
      } catch {
        event = null; // WebhookVerificationError: bad signature, stale timestamp, missing header
      }
      console.log(JSON.stringify({ verified: event !== null, type: event ? event.type : null }));
      // Answer 2xx first; do the real work (de-duplicated on event.id) asynchronously.
      res.writeHead(event ? 204 : 400).end();
    });
  })
  .listen(port, () => console.error(`listening on ${port}`));
