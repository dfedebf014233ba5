// The policy layer for the encryption operations: which key each check names (a symmetric
// ciphertext names its own), ReEncrypt's two actions, and the condition keys for algorithms,
// key pair specs and encryption context values — evaluated by the real Policy.

import { randomUUID } from 'node:crypto';
import { Policy, parsePolicy, type PolicyStatement } from '../../../src/auth/policy';
import { encodeBlob } from '../../../src/crypto/ciphertext-blob';
import { KmsError } from '../../../src/errors/kms-error';
import { accessRequests, type KeyFinder } from '../../../src/http/access-request';
import type { KeyEntry } from '../../../src/keys/key-record';

const SOURCE = randomUUID();
const DEST = randomUUID();

const entry = (keyId: string): KeyEntry =>
  ({
    record: { keyId, tags: [] },
    arn: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
    aliases: [],
    source: 'store',
  }) as unknown as KeyEntry;

const finder: KeyFinder = {
  resolve(reference) {
    if (reference === SOURCE || reference === DEST) return entry(reference);
    throw new KmsError('NotFoundException', 'no such key');
  },
  aliasTarget: () => undefined,
};

const blobOf = (keyId: string): Buffer =>
  encodeBlob({ keyId, materialId: keyId }, Buffer.alloc(12), Buffer.alloc(20));

function policy(statements: unknown[]): Policy {
  const problems: string[] = [];
  const parsed = parsePolicy(statements, problems);
  expect(problems).toEqual([]);
  return new Policy(parsed as PolicyStatement[]);
}

function allowed(p: Policy, operation: string, input: Record<string, unknown>): boolean {
  try {
    for (const request of accessRequests('app', operation, input, finder)) p.authorize(request);
    return true;
  } catch (err) {
    if (err instanceof KmsError && err.name === 'AccessDeniedException') return false;
    throw err;
  }
}

describe('which key a check names', () => {
  it('Decrypt without KeyId: the key the ciphertext names', () => {
    const [check] = accessRequests('app', 'Decrypt', { CiphertextBlob: blobOf(SOURCE) }, finder);
    expect(check?.keys.map((k) => k.record.keyId)).toEqual([SOURCE]);
    expect(check?.unresolved).toBe(false);
  });

  it('Decrypt with KeyId: that key only (the operation refuses a mismatch itself)', () => {
    const [check] = accessRequests(
      'app',
      'Decrypt',
      { KeyId: DEST, CiphertextBlob: blobOf(SOURCE) },
      finder,
    );
    expect(check?.keys.map((k) => k.record.keyId)).toEqual([DEST]);
  });

  it('a ciphertext naming no known key leaves the answer to the operation', () => {
    const [check] = accessRequests(
      'app',
      'Decrypt',
      { CiphertextBlob: blobOf(randomUUID()) },
      finder,
    );
    expect(check?.keys).toEqual([]);
    expect(check?.unresolved).toBe(true);
  });

  it('a key lookup that fails for another reason than a missing key is the answer, not a pass', () => {
    const stale: KeyFinder = {
      resolve() {
        throw new KmsError('KeyUnavailableException', 'The metadata store is unusable.');
      },
      aliasTarget: () => undefined,
    };
    expect(() =>
      accessRequests('app', 'Decrypt', { CiphertextBlob: blobOf(SOURCE) }, stale),
    ).toThrow('The metadata store is unusable.');
  });

  it('ReEncrypt: kms:ReEncryptFrom on the source key, kms:ReEncryptTo on the destination', () => {
    const checks = accessRequests(
      'app',
      'ReEncrypt',
      { CiphertextBlob: blobOf(SOURCE), DestinationKeyId: DEST },
      finder,
    );
    expect(checks.map((c) => [c.action, c.keys.map((k) => k.record.keyId)])).toEqual([
      ['kms:ReEncryptFrom', [SOURCE]],
      ['kms:ReEncryptTo', [DEST]],
    ]);
  });
});

describe('condition keys', () => {
  it('kms:EncryptionAlgorithm is SYMMETRIC_DEFAULT when the request names none', () => {
    const [encrypt] = accessRequests('app', 'Encrypt', { KeyId: SOURCE }, finder);
    expect(encrypt?.context['kms:EncryptionAlgorithm']).toBe('SYMMETRIC_DEFAULT');
    const [rsa] = accessRequests(
      'app',
      'Encrypt',
      { KeyId: SOURCE, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' },
      finder,
    );
    expect(rsa?.context['kms:EncryptionAlgorithm']).toBe('RSAES_OAEP_SHA_256');
    const [sign] = accessRequests('app', 'Sign', { KeyId: SOURCE }, finder);
    expect(sign?.context['kms:EncryptionAlgorithm']).toBeUndefined();
  });

  it('allows an encryption context value only when the request carries it', () => {
    const p = policy([
      {
        principals: ['app'],
        actions: ['kms:Encrypt'],
        conditions: { 'kms:EncryptionContext:tenant': ['blue'] },
      },
    ]);
    expect(allowed(p, 'Encrypt', { KeyId: SOURCE, EncryptionContext: { tenant: 'blue' } })).toBe(
      true,
    );
    expect(allowed(p, 'Encrypt', { KeyId: SOURCE, EncryptionContext: { tenant: 'red' } })).toBe(
      false,
    );
    expect(allowed(p, 'Encrypt', { KeyId: SOURCE })).toBe(false);
  });

  it('ReEncrypt matches each side against its own context and algorithm', () => {
    const p = policy([
      {
        principals: ['app'],
        actions: ['kms:ReEncryptFrom'],
        conditions: { 'kms:EncryptionContext:stage': ['old'] },
      },
      {
        principals: ['app'],
        actions: ['kms:ReEncryptTo'],
        conditions: { 'kms:EncryptionAlgorithm': ['RSAES_OAEP_SHA_256'] },
      },
    ]);
    const input = {
      CiphertextBlob: blobOf(SOURCE),
      SourceEncryptionContext: { stage: 'old' },
      DestinationKeyId: DEST,
      DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
    };
    expect(allowed(p, 'ReEncrypt', input)).toBe(true);
    expect(allowed(p, 'ReEncrypt', { ...input, SourceEncryptionContext: { stage: 'new' } })).toBe(
      false,
    );
    expect(allowed(p, 'ReEncrypt', { ...input, DestinationEncryptionAlgorithm: undefined })).toBe(
      false,
    );
  });

  it('kms:KeyAgreementAlgorithm and kms:DataKeyPairSpec come from the request', () => {
    const p = policy([
      {
        principals: ['app'],
        actions: ['kms:GenerateDataKeyPair'],
        conditions: { 'kms:DataKeyPairSpec': ['ECC_NIST_P256'] },
      },
      {
        principals: ['app'],
        actions: ['kms:DeriveSharedSecret'],
        conditions: { 'kms:KeyAgreementAlgorithm': ['ECDH'] },
      },
    ]);
    expect(allowed(p, 'GenerateDataKeyPair', { KeyId: SOURCE, KeyPairSpec: 'ECC_NIST_P256' })).toBe(
      true,
    );
    expect(allowed(p, 'GenerateDataKeyPair', { KeyId: SOURCE, KeyPairSpec: 'RSA_2048' })).toBe(
      false,
    );
    expect(allowed(p, 'DeriveSharedSecret', { KeyId: SOURCE, KeyAgreementAlgorithm: 'ECDH' })).toBe(
      true,
    );
  });

  it('matches context keys in conditions without regard to case, strictly when keys collide', () => {
    const p = policy([
      {
        principals: ['app'],
        actions: ['kms:Encrypt'],
        conditions: { 'kms:EncryptionContext:Tenant': ['blue'] },
      },
      {
        effect: 'deny',
        principals: ['app'],
        actions: ['kms:Encrypt'],
        conditions: { 'kms:EncryptionContext:STAGE': ['prod'] },
      },
    ]);
    const encrypt = (EncryptionContext: Record<string, string>) =>
      allowed(p, 'Encrypt', { KeyId: SOURCE, EncryptionContext });
    expect(encrypt({ tenant: 'blue' })).toBe(true);
    expect(encrypt({ TENANT: 'blue' })).toBe(true);
    // Two keys that differ only in case: an allow needs both values listed, a deny either.
    expect(encrypt({ tenant: 'blue', Tenant: 'red' })).toBe(false);
    expect(encrypt({ tenant: 'blue', stage: 'prod' })).toBe(false);
    expect(encrypt({ tenant: 'blue', stage: 'dev', Stage: 'prod' })).toBe(false);
  });

  it('does not let a statement that needs tags cover a call on no key', () => {
    const p = policy([{ principals: ['app'], actions: ['kms:*'], tags: { team: 'a' } }]);
    expect(allowed(p, 'GenerateRandom', { NumberOfBytes: 16 })).toBe(false);
  });

  it('kms:EncryptionContextKeys: an allow needs every context key listed, a deny any one', () => {
    const p = policy([
      {
        principals: ['app'],
        actions: ['kms:Encrypt', 'kms:Decrypt'],
        conditions: { 'kms:EncryptionContextKeys': ['tenant', 'stage'] },
      },
      {
        effect: 'deny',
        principals: ['app'],
        actions: ['kms:Encrypt'],
        conditions: { 'kms:EncryptionContextKeys': ['debug'] },
      },
    ]);
    const encrypt = (EncryptionContext?: Record<string, string>) =>
      allowed(p, 'Encrypt', { KeyId: SOURCE, ...(EncryptionContext ? { EncryptionContext } : {}) });
    expect(encrypt({ tenant: 'blue' })).toBe(true);
    expect(encrypt({ tenant: 'blue', stage: 'prod' })).toBe(true);
    // A key the allow does not list, a deny's key among listed ones, a key in another case
    // (context keys are compared as written, as AWS's StringEquals does).
    expect(encrypt({ tenant: 'blue', owner: 'x' })).toBe(false);
    expect(encrypt({ tenant: 'blue', debug: '1' })).toBe(false);
    expect(encrypt({ Tenant: 'blue' })).toBe(false);
    // No context: the allow does not match (AWS's ForAllValues would allow it).
    expect(encrypt()).toBe(false);
    expect(encrypt({})).toBe(false);
    // Decrypt is checked against the context it is given, on the key its blob names.
    expect(
      allowed(p, 'Decrypt', { CiphertextBlob: blobOf(SOURCE), EncryptionContext: { stage: 'a' } }),
    ).toBe(true);
    expect(
      allowed(p, 'Decrypt', { CiphertextBlob: blobOf(SOURCE), EncryptionContext: { other: 'a' } }),
    ).toBe(false);
  });

  it('refuses condition names it does not know, and a context condition without a key', () => {
    const problems: string[] = [];
    parsePolicy(
      [
        {
          principals: ['app'],
          actions: ['kms:Encrypt'],
          conditions: { 'kms:EncryptionContext:': ['x'], 'kms:EncryptionContextKey': ['x'] },
        },
      ],
      problems,
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^policy\[0\]\.conditions: kms:EncryptionContext: is not one of /);
    expect(problems[1]).toContain('kms:EncryptionContext:<key>');
    expect(problems[1]).toContain('kms:EncryptionContextKeys');
  });
});
