// The HTTP floor: a bare node:http JSON server on one process, no crypto. It reads the whole
// request body, as QKMS must, and answers with a body of exactly the size QKMS answered the same
// Sign with (argv: port, response size in bytes). Whatever QKMS does beyond this is its cost.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const size = Number(process.argv[3]);
// A JSON document of `size` bytes shaped like a Sign response: the filler stands for the signature.
const frame = '{"KeyId":"arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000","SigningAlgorithm":"X","Signature":""}';
const response = Buffer.from(
  `${frame.slice(0, -2)}${'A'.repeat(Math.max(0, size - frame.length))}"}`,
);

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    Buffer.concat(chunks);
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/x-amz-json-1.1');
    res.setHeader('Content-Length', response.length);
    res.setHeader('x-amzn-RequestId', randomUUID());
    res.end(response);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
