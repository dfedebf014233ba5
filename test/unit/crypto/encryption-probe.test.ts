// The start-up proofs of the encryption mechanisms against tokens that get them wrong: a token
// that answers but is wrong must not be served. The token doubles below compute with
// node:crypto and then misbehave in one way each (unit tests of the code above the token).

import {
  constants,
  createECDH,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  createCipheriv,
  createDecipheriv,
  type KeyObject,
} from 'node:crypto';
import {
  proveEncryption,
  proveKeyAgreement,
  proveRandom,
} from '../../../src/crypto/encryption-probe';
import { CKM } from '../../../src/pkcs11/constants';
import type { MechanismSpec } from '../../../src/pkcs11/mechanism-spec';
import type { KeyInfo, TokenApi } from '../../../src/pkcs11/token-api';

interface Faults {
  /** AES-GCM decrypt ignores the tag and the additional data. */
  gcmUnauthenticated?: boolean;
  /** OAEP in the token returns a wrong plaintext. */
  oaepWrong?: boolean;
  /** OAEP encryption in the token returns a ciphertext that is not one. */
  oaepEncryptWrong?: boolean;
  /** The ECDH secret is off by one bit. */
  ecdhWrong?: boolean;
  /** The random number generator repeats itself. */
  randomRepeats?: boolean;
}

const ALL_MECHANISMS = [CKM.AES_GCM, CKM.RSA_PKCS_OAEP, CKM.RSA_X_509, CKM.ECDH1_DERIVE];

/** A software stand-in for a token, good enough for the probes, with chosen faults. */
function softToken(faults: Faults): TokenApi {
  const aes = randomBytes(32);
  let rsa: { privateKey: KeyObject; modulus: Buffer } | null = null;
  const ec = new Map<string, ReturnType<typeof createECDH>>();
  const curveOf: Record<string, string> = {
    '06082a8648ce3d030107': 'prime256v1',
    '06052b81040022': 'secp384r1',
    '06052b81040023': 'secp521r1',
  };
  const info = (idHex: string, publicKey: KeyInfo['publicKey']): KeyInfo => ({
    idHex,
    label: 'probe',
    publicKey,
    hasPrivateKey: true,
  });
  const keys = new Map<string, KeyInfo>();
  const token: Partial<TokenApi> = {
    async generateSecretKey(_bytes, idHex) {
      keys.set(idHex, info(idHex, null));
      return info(idHex, null);
    },
    async generateKeyPair(generation, idHex) {
      if (generation.kind === 'rsa') {
        const pair = generateKeyPairSync('rsa', { modulusLength: generation.bits });
        const jwk = pair.publicKey.export({ format: 'jwk' });
        const modulus = Buffer.from(jwk.n as string, 'base64url');
        rsa = { privateKey: pair.privateKey, modulus };
        const material = {
          kind: 'rsa' as const,
          modulus,
          exponent: Buffer.from(jwk.e as string, 'base64url'),
        };
        keys.set(idHex, info(idHex, material));
        return info(idHex, material);
      }
      const curve = curveOf[generation.curveOidDer] as string;
      const ecdh = createECDH(curve);
      ecdh.generateKeys();
      ec.set(idHex, ecdh);
      const material = {
        kind: 'ec' as const,
        curveOidDer: generation.curveOidDer,
        point: ecdh.getPublicKey(),
      };
      keys.set(idHex, info(idHex, material));
      return info(idHex, material);
    },
    findKey: async (locator) => keys.get(locator.idHex as string) ?? null,
    destroyKey: async () => undefined,
    async encrypt(_locator, mechanism, data) {
      if (!mechanism.gcm) {
        const key = rsa as NonNullable<typeof rsa>;
        const raw = mechanism.mechanism === CKM.RSA_X_509;
        return publicEncrypt(
          {
            key: key.privateKey,
            padding: raw ? constants.RSA_NO_PADDING : constants.RSA_PKCS1_OAEP_PADDING,
            oaepHash: mechanism.oaep?.hashAlg === CKM.SHA256 ? 'sha256' : 'sha1',
          },
          Buffer.from(data),
        ).map((b, i) => (faults.oaepEncryptWrong && !raw && i === 0 ? b ^ 0x80 : b));
      }
      const gcm = mechanism.gcm as NonNullable<MechanismSpec['gcm']>;
      const cipher = createCipheriv('aes-256-gcm', aes, gcm.iv);
      cipher.setAAD(gcm.aad);
      return Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
    },
    async decrypt(_locator, mechanism, data) {
      const input = Buffer.from(data);
      if (mechanism.gcm) {
        const body = input.subarray(0, input.length - 16);
        const decipher = createDecipheriv('aes-256-gcm', aes, mechanism.gcm.iv);
        if (faults.gcmUnauthenticated) return decipher.update(body);
        decipher.setAAD(mechanism.gcm.aad);
        decipher.setAuthTag(input.subarray(input.length - 16));
        try {
          return Buffer.concat([decipher.update(body), decipher.final()]);
        } catch {
          return null;
        }
      }
      const key = rsa as NonNullable<typeof rsa>;
      if (mechanism.mechanism === CKM.RSA_X_509) {
        return privateDecrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, input);
      }
      const plain = privateDecrypt(
        {
          key: key.privateKey,
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: mechanism.oaep?.hashAlg === CKM.SHA256 ? 'sha256' : 'sha1',
        },
        input,
      );
      if (faults.oaepWrong) plain[0] = (plain[0] as number) ^ 1;
      return plain;
    },
    async deriveSharedSecret(locator, peerPoint) {
      const secret = (
        ec.get(locator.idHex as string) as ReturnType<typeof createECDH>
      ).computeSecret(Buffer.from(peerPoint));
      if (faults.ecdhWrong) secret[0] = (secret[0] as number) ^ 1;
      return secret;
    },
    async generateRandom(bytes) {
      return faults.randomRepeats ? Buffer.alloc(bytes, 7) : randomBytes(bytes);
    },
  };
  return token as TokenApi;
}

describe('proving encryption at start-up', () => {
  it('serves AES-GCM and both OAEP hashes from a token that gets them right', async () => {
    const encryption = await proveEncryption(softToken({}), ALL_MECHANISMS, true);
    expect(encryption('SYMMETRIC_DEFAULT')).toEqual({ ok: true });
    expect(encryption('RSAES_OAEP_SHA_1')).toEqual({ ok: true, oaep: 'token' });
    expect(encryption('RSAES_OAEP_SHA_256')).toEqual({ ok: true, oaep: 'token' });
  });

  it('refuses AES-GCM from a token that does not check the tag or the additional data', async () => {
    const encryption = await proveEncryption(
      softToken({ gcmUnauthenticated: true }),
      ALL_MECHANISMS,
      true,
    );
    expect(encryption('SYMMETRIC_DEFAULT')).toEqual({
      ok: false,
      reason: 'the token accepted an AES-GCM ciphertext that is not authentic',
    });
  });

  it('falls back to raw RSA with the gateway decoding OAEP when the token OAEP is wrong', async () => {
    const encryption = await proveEncryption(softToken({ oaepWrong: true }), ALL_MECHANISMS, true);
    expect(encryption('RSAES_OAEP_SHA_256')).toEqual({ ok: true, oaep: 'gateway' });
  });

  it('falls back to raw RSA when the token OAEP decrypts but makes ciphertexts that do not', async () => {
    const encryption = await proveEncryption(
      softToken({ oaepEncryptWrong: true }),
      ALL_MECHANISMS,
      true,
    );
    expect(encryption('RSAES_OAEP_SHA_1')).toEqual({ ok: true, oaep: 'gateway' });
  });

  it('serves no OAEP when the token has neither OAEP nor raw RSA', async () => {
    const encryption = await proveEncryption(softToken({}), [CKM.AES_GCM], true);
    const result = encryption('RSAES_OAEP_SHA_1');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(
      'RSAES_OAEP_SHA_1 failed the known-answer check: the token offers neither RSA-OAEP nor raw RSA',
    );
    expect(encryption('SYMMETRIC_DEFAULT')).toEqual({ ok: true });
  });

  it('names the missing mechanism when the token has no AES-GCM', async () => {
    const encryption = await proveEncryption(softToken({}), [], false);
    expect(encryption('SYMMETRIC_DEFAULT')).toEqual({
      ok: false,
      reason: 'the token does not offer mechanism 0x1087 (AES-GCM)',
    });
    expect(encryption('RSAES_OAEP_SHA_1')).toEqual({
      ok: false,
      reason: 'RSA keys, which this token cannot generate',
    });
  });
});

describe('proving key agreement and random numbers', () => {
  it('serves ECDH on the NIST curves when the secret matches node:crypto', async () => {
    const agree = await proveKeyAgreement(softToken({}), ALL_MECHANISMS, () => true);
    for (const spec of ['ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521'] as const)
      expect(agree('ECDH', spec)).toEqual({ ok: true });
    expect(agree('ECDH', 'ECC_SECG_P256K1')).toEqual({
      ok: false,
      reason: 'ECC_SECG_P256K1 keys do not agree keys (KMS: ECC_NIST_* only)',
    });
  });

  it('refuses ECDH whose secret differs from node:crypto', async () => {
    const agree = await proveKeyAgreement(
      softToken({ ecdhWrong: true }),
      ALL_MECHANISMS,
      () => true,
    );
    expect(agree('ECDH', 'ECC_NIST_P256')).toEqual({
      ok: false,
      reason: 'ECDH on ECC_NIST_P256 failed the known-answer check',
    });
  });

  it('refuses a random number generator that repeats itself', async () => {
    expect(await proveRandom(softToken({}))).toEqual({ ok: true });
    expect(await proveRandom(softToken({ randomRepeats: true }))).toEqual({
      ok: false,
      reason: "the token's random number generator gave repeated or short output",
    });
  });
});
