// The image's HEALTHCHECK: exit 0 when the operations listener says the gateway is ready (token
// open, logged in, answering), 1 otherwise. Node is already in the image, so no curl is needed.
// It asks 127.0.0.1, which reaches the listener whether metrics.host is loopback or 0.0.0.0;
// QKMS_HEALTHCHECK_URL overrides the address for any other setup.
'use strict';
const http = require('node:http');

const port = process.env.QKMS_METRICS_PORT || '9464';
const url = process.env.QKMS_HEALTHCHECK_URL || `http://127.0.0.1:${port}/readyz`;

const request = http.get(url, { timeout: 2500 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', (err) => {
  process.stderr.write(`healthcheck: ${url}: ${err.message}\n`);
  process.exit(1);
});
