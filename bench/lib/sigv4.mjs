// A minimal AWS Signature Version 4 signer for the one request shape the bench sends
// (POST / with a JSON body), on node:crypto so that signing every request afresh costs the
// load generator microseconds, not the gateway's share of the CPU. QKMS verifies it with
// @smithy/signature-v4, so a mistake here shows up as InvalidSignatureException at once.

import { createHash, createHmac } from 'node:crypto';

const hmac = (key, data) => createHmac('sha256', key).update(data).digest();
const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');

export class Sigv4Signer {
  /**
   * @param {{accessKeyId: string, secretAccessKey: string, region: string, service?: string}} o
   */
  constructor(o) {
    this.accessKeyId = o.accessKeyId;
    this.secret = o.secretAccessKey;
    this.region = o.region;
    this.service = o.service ?? 'kms';
    /** The derived key changes once a day; deriving it per request is four extra HMACs. */
    this.keyDate = '';
    this.key = Buffer.alloc(0);
  }

  signingKey(date) {
    if (date !== this.keyDate) {
      const kDate = hmac(`AWS4${this.secret}`, date);
      this.key = hmac(hmac(hmac(kDate, this.region), this.service), 'aws4_request');
      this.keyDate = date;
    }
    return this.key;
  }

  /**
   * Headers to send for one request, signed now.
   * @param {string} host  Host header value (host:port)
   * @param {string} target X-Amz-Target
   * @param {Buffer} body
   * @returns {Record<string, string>}
   */
  sign(host, target, body, nowMs = Date.now()) {
    const amzDate = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const date = amzDate.slice(0, 8);
    const contentType = 'application/x-amz-json-1.1';
    const signedHeaders = 'content-type;host;x-amz-date;x-amz-target';
    const canonical = `POST\n/\n\ncontent-type:${contentType}\nhost:${host}\nx-amz-date:${amzDate}\nx-amz-target:${target}\n\n${signedHeaders}\n${sha256Hex(body)}`;
    const scope = `${date}/${this.region}/${this.service}/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    const signature = createHmac('sha256', this.signingKey(date)).update(toSign).digest('hex');
    return {
      'Content-Type': contentType,
      Host: host,
      'X-Amz-Date': amzDate,
      'X-Amz-Target': target,
      Authorization: `AWS4-HMAC-SHA256 Credential=${this.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    };
  }
}
