// Checks KMS signatures without QKMS's code: node:crypto directly, and the openssl command line.

import { execFileSync } from 'node:child_process';
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignCommand, type KMSClient } from '@aws-sdk/client-kms';

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
const hashOf = (algorithm: string): string => HASH[algorithm.slice(-3)] as string;

/** node:crypto verification of a KMS signature over the original (RAW) message. */
export function nodeVerifies(
  algorithm: string,
  spkiDer: Buffer,
  message: Buffer,
  signature: Buffer,
): boolean {
  const key = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
  if (algorithm === 'ED25519_SHA_512') return verify(null, message, key, signature);
  if (algorithm.startsWith('RSASSA_PSS')) {
    const saltLength = { sha256: 32, sha384: 48, sha512: 64 }[hashOf(algorithm) as 'sha256'];
    return verify(
      hashOf(algorithm),
      message,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
      signature,
    );
  }
  if (algorithm.startsWith('RSASSA_PKCS1')) {
    return verify(
      hashOf(algorithm),
      message,
      { key, padding: constants.RSA_PKCS1_PADDING },
      signature,
    );
  }
  return verify(hashOf(algorithm), message, { key, dsaEncoding: 'der' }, signature);
}

/** openssl verification of a KMS signature over the original message. */
export function opensslVerifies(
  algorithm: string,
  spkiDer: Buffer,
  message: Buffer,
  signature: Buffer,
): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'qkms-openssl-'));
  try {
    const [pub, msg, sig] = ['pub.der', 'msg.bin', 'sig.bin'].map((f) => join(dir, f)) as [
      string,
      string,
      string,
    ];
    writeFileSync(pub, spkiDer);
    writeFileSync(msg, message);
    writeFileSync(sig, signature);
    let args: string[];
    if (algorithm === 'ED25519_SHA_512') {
      args = [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        pub,
        '-keyform',
        'DER',
        '-rawin',
        '-in',
        msg,
        '-sigfile',
        sig,
      ];
    } else {
      const pss = algorithm.startsWith('RSASSA_PSS')
        ? [
            '-sigopt',
            'rsa_padding_mode:pss',
            '-sigopt',
            'rsa_pss_saltlen:digest',
            '-sigopt',
            `rsa_mgf1_md:${hashOf(algorithm)}`,
          ]
        : [];
      args = [
        'dgst',
        `-${hashOf(algorithm)}`,
        ...pss,
        '-verify',
        pub,
        '-keyform',
        'DER',
        '-signature',
        sig,
        msg,
      ];
    }
    try {
      const out = execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
      return /Verified OK|Signature Verified Successfully/.test(out);
    } catch {
      return false;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Signs `message` `count` times with an ECDSA_SHA_256 key; node:crypto must verify each signature. */
export async function signEcdsaVerified(
  kms: KMSClient,
  keyId: string,
  publicKey: KeyObject,
  message: Buffer,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const { Signature } = await kms.send(
      new SignCommand({ KeyId: keyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(
      verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, Buffer.from(Signature!)),
    ).toBe(true);
  }
}
