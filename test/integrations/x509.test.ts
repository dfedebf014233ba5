// docs/integrations.md, X.509: a PKCS#10 request and a self-signed CA certificate built by
// @peculiar/x509, signed through QKMS, then checked by the openssl command line (signature,
// public key, subject) and by node:crypto; a flipped signature byte must fail both.

import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import * as x509 from '@peculiar/x509';
import { demoAlias } from '../../src/cli/dev-token';
import type { KeySpec } from '../../src/crypto/key-specs';
import type { TestGateway } from '../support/test-token';
import { qkmsClient } from './recipes/client';
import { certificateRequest, kmsKeyPair, selfSignedCertificate } from './recipes/x509';
import { RECIPE_CREDENTIALS, startRecipeGateway } from './support/recipe-gateway';

const SPECS: KeySpec[] = [
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_EDWARDS25519',
];

let t: TestGateway;
let kms: KMSClient;
let dir: string;

beforeAll(async () => {
  t = await startRecipeGateway();
  kms = qkmsClient(t.gateway.url, RECIPE_CREDENTIALS);
  dir = mkdtempSync(join(tmpdir(), 'qkms-x509-'));
}, 60_000);

afterAll(async () => {
  kms?.destroy();
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// OpenSSL 3.0's `req -verify` exits 0 even when the signature is wrong: its message is the verdict.
function openssl(args: string[]): { ok: boolean; output: string } {
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

/** The same PEM with one byte of its signature (the last bytes of the DER) changed. */
function flipSignatureByte(pem: string, label: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  der[der.length - 5] = (der[der.length - 5] as number) ^ 0x01;
  const body = der
    .toString('base64')
    .match(/.{1,64}/g)
    ?.join('\n');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

describe.each(SPECS)('the %s key', (spec) => {
  const keyId = demoAlias(spec);
  const subject = `CN=QKMS recipe ${spec}, O=QKMS tests`;
  let publicKey: KeyObject;
  let publicPem: string;

  beforeAll(async () => {
    const out = await t.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    const spki = Buffer.from(out.PublicKey as Uint8Array);
    publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    publicPem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
  });

  test('signs a CSR that openssl req -verify accepts', async () => {
    const file = join(dir, `${spec}.csr.pem`);
    writeFileSync(file, await certificateRequest(kms, keyId, subject));
    const verified = openssl(['req', '-in', file, '-verify', '-noout']);
    expect(verified).toEqual({
      ok: true,
      output: 'Certificate request self-signature verify OK\n',
    });
    expect(openssl(['req', '-in', file, '-pubkey', '-noout']).output).toBe(publicPem);
    expect(openssl(['req', '-in', file, '-subject', '-noout', '-nameopt', 'RFC2253']).output).toBe(
      `subject=O=QKMS tests,CN=QKMS recipe ${spec}\n`,
    );
  });

  test('a CSR with a changed signature fails openssl req -verify', async () => {
    const file = join(dir, `${spec}.bad.csr.pem`);
    const pem = await certificateRequest(kms, keyId, subject);
    writeFileSync(file, flipSignatureByte(pem, 'CERTIFICATE REQUEST'));
    expect(openssl(['req', '-in', file, '-verify', '-noout']).output).toMatch(
      /^Certificate request self-signature verify failure$/m,
    );
  });

  test('signs a self-signed CA certificate that openssl verify accepts', async () => {
    const file = join(dir, `${spec}.crt.pem`);
    const pem = await selfSignedCertificate(kms, keyId, subject, 30);
    writeFileSync(file, pem);
    // Without -check_ss_sig openssl trusts a self-signed anchor without checking its signature.
    const verified = openssl(['verify', '-check_ss_sig', '-CAfile', file, file]);
    expect(verified).toEqual({ ok: true, output: `${file}: OK\n` });
    expect(openssl(['x509', '-in', file, '-pubkey', '-noout']).output).toBe(publicPem);
    const certificate = new X509Certificate(pem);
    expect(certificate.verify(publicKey)).toBe(true);
    expect(certificate.ca).toBe(true);
    expect(certificate.subject).toBe(certificate.issuer);
    expect(certificate.subject).toBe(`CN=QKMS recipe ${spec}\nO=QKMS tests`);
  });

  test('a certificate with a changed signature fails openssl verify and node:crypto', async () => {
    const file = join(dir, `${spec}.bad.crt.pem`);
    const pem = flipSignatureByte(
      await selfSignedCertificate(kms, keyId, subject, 30),
      'CERTIFICATE',
    );
    writeFileSync(file, pem);
    expect(openssl(['verify', '-check_ss_sig', '-CAfile', file, file]).ok).toBe(false);
    expect(new X509Certificate(pem).verify(publicKey)).toBe(false);
  });
});

test('a certificate larger than a KMS message is signed through its digest', async () => {
  const keyId = demoAlias('ECC_NIST_P256');
  const { keys, crypto, signingAlgorithm } = await kmsKeyPair(kms, keyId);
  const names = Array.from({ length: 200 }, (_, i) => ({
    type: 'dns' as const,
    value: `host-${i}.qkms.example`,
  }));
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: 'CN=QKMS many names',
      keys,
      signingAlgorithm,
      extensions: [new x509.SubjectAlternativeNameExtension(names)],
    },
    crypto,
  );
  expect(certificate.rawData.byteLength).toBeGreaterThan(4096);
  const file = join(dir, 'large.crt.pem');
  writeFileSync(file, certificate.toString('pem'));
  expect(openssl(['verify', '-check_ss_sig', '-CAfile', file, file])).toEqual({
    ok: true,
    output: `${file}: OK\n`,
  });
});
