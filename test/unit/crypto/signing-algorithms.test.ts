import {
  constants,
  createHash,
  generateKeyPairSync,
  publicDecrypt,
  sign,
  type KeyObject,
} from 'node:crypto';
import { ed25519, ed25519ph } from '@noble/curves/ed25519';
import {
  KEY_SPECS,
  KEY_SPEC_TABLE,
  isKeySpec,
  keySpecForCurve,
} from '../../../src/crypto/key-specs';
import {
  MESSAGE_TYPES,
  SIGNING_ALGORITHMS,
  SIGNING_ALGORITHM_TABLE,
  isSigningAlgorithm,
  type SigningAlgorithm,
} from '../../../src/crypto/signing-algorithms';
import { ecdsaDerToRaw } from '../../../src/crypto/ecdsa-signature';

const MESSAGE = Buffer.from('QKMS signing-algorithm table test');
const sha = (alg: string, m: Buffer): Buffer => createHash(alg).update(m).digest();
const flipLastBit = (b: Buffer): Buffer => {
  const c = Buffer.from(b);
  c[c.length - 1] = (c[c.length - 1] as number) ^ 0x01;
  return c;
};
const flipFirstBit = (b: Buffer): Buffer => {
  const c = Buffer.from(b);
  c[0] = (c[0] as number) ^ 0x01;
  return c;
};

describe('key-spec table', () => {
  it('has an entry for every key spec, named after it', () => {
    for (const spec of KEY_SPECS) expect(KEY_SPEC_TABLE[spec].name).toBe(spec);
    expect(Object.keys(KEY_SPEC_TABLE).sort()).toEqual([...KEY_SPECS].sort());
  });

  it('lists for each key spec only algorithms that exist in the algorithm table', () => {
    for (const spec of KEY_SPECS) {
      const entry = KEY_SPEC_TABLE[spec];
      // Each usage a spec allows has algorithms, and no spec lists algorithms of another usage.
      expect(entry.signingAlgorithms.length > 0).toBe(entry.keyUsages.includes('SIGN_VERIFY'));
      expect(entry.macAlgorithms.length > 0).toBe(entry.keyUsages.includes('GENERATE_VERIFY_MAC'));
      expect(entry.encryptionAlgorithms.length > 0).toBe(
        entry.keyUsages.includes('ENCRYPT_DECRYPT'),
      );
      expect(entry.keyAgreementAlgorithms.length > 0).toBe(
        entry.keyUsages.includes('KEY_AGREEMENT'),
      );
      for (const alg of KEY_SPEC_TABLE[spec].signingAlgorithms) {
        expect(isSigningAlgorithm(alg)).toBe(true);
        expect(SIGNING_ALGORITHM_TABLE[alg].name).toBe(alg);
      }
    }
  });

  it('gives every algorithm to at least one key spec', () => {
    const used = new Set(KEY_SPECS.flatMap((s) => KEY_SPEC_TABLE[s].signingAlgorithms));
    expect([...used].sort()).toEqual([...SIGNING_ALGORITHMS].sort());
  });

  it('allows exactly the algorithms of DESIGN §3 per key spec', () => {
    const rsa = [
      'RSASSA_PKCS1_V1_5_SHA_256',
      'RSASSA_PKCS1_V1_5_SHA_384',
      'RSASSA_PKCS1_V1_5_SHA_512',
      'RSASSA_PSS_SHA_256',
      'RSASSA_PSS_SHA_384',
      'RSASSA_PSS_SHA_512',
    ];
    const sorted = (s: keyof typeof KEY_SPEC_TABLE): string[] =>
      [...KEY_SPEC_TABLE[s].signingAlgorithms].sort();
    expect(sorted('RSA_2048')).toEqual(rsa);
    expect(sorted('RSA_3072')).toEqual(rsa);
    expect(sorted('RSA_4096')).toEqual(rsa);
    expect(sorted('ECC_NIST_P256')).toEqual(['ECDSA_SHA_256']);
    expect(sorted('ECC_NIST_P384')).toEqual(['ECDSA_SHA_384']);
    expect(sorted('ECC_NIST_P521')).toEqual(['ECDSA_SHA_512']);
    expect(sorted('ECC_SECG_P256K1')).toEqual(['ECDSA_SHA_256']);
    expect(sorted('ECC_NIST_EDWARDS25519')).toEqual(['ED25519_PH_SHA_512', 'ED25519_SHA_512']);
    expect(sorted('SM2')).toEqual(['SM2DSA']);
    expect(sorted('ML_DSA_44')).toEqual(['ML_DSA_SHAKE_256']);
    expect(sorted('ML_DSA_87')).toEqual(['ML_DSA_SHAKE_256']);
  });

  it('generates RSA keys of the named size', () => {
    expect(KEY_SPEC_TABLE.RSA_2048.generation).toEqual({ kind: 'rsa', bits: 2048 });
    expect(KEY_SPEC_TABLE.RSA_3072.generation).toEqual({ kind: 'rsa', bits: 3072 });
    expect(KEY_SPEC_TABLE.RSA_4096.generation).toEqual({ kind: 'rsa', bits: 4096 });
  });

  it('finds a key spec by its DER curve OID', () => {
    expect(keySpecForCurve('06082a8648ce3d030107')).toBe('ECC_NIST_P256');
    expect(keySpecForCurve('06052b81040022')).toBe('ECC_NIST_P384');
    expect(keySpecForCurve('06052b81040023')).toBe('ECC_NIST_P521');
    expect(keySpecForCurve('06052b8104000a')).toBe('ECC_SECG_P256K1');
    expect(keySpecForCurve('06032b6570')).toBe('ECC_NIST_EDWARDS25519');
    expect(keySpecForCurve('06032b6571')).toBeUndefined();
  });

  it('marks SM2 and ML-DSA as not generatable here', () => {
    for (const spec of ['SM2', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const) {
      expect(KEY_SPEC_TABLE[spec].generation.kind).toBe('unavailable');
    }
  });

  it('recognises key spec names and nothing inherited from Object.prototype', () => {
    expect(isKeySpec('ECC_NIST_P256')).toBe(true);
    expect(isKeySpec('ECC_NIST_P257')).toBe(false);
    expect(isKeySpec('toString')).toBe(false);
    expect(isKeySpec('__proto__')).toBe(false);
    expect(isSigningAlgorithm('hasOwnProperty')).toBe(false);
  });
});

describe('signing-algorithm table', () => {
  it('has an entry for every algorithm, named after it', () => {
    for (const alg of SIGNING_ALGORITHMS) expect(SIGNING_ALGORITHM_TABLE[alg].name).toBe(alg);
    expect(MESSAGE_TYPES).toEqual(['RAW', 'DIGEST', 'EXTERNAL_MU']);
  });

  it.each([
    ['RSASSA_PKCS1_V1_5_SHA_256', 32],
    ['RSASSA_PKCS1_V1_5_SHA_384', 48],
    ['RSASSA_PKCS1_V1_5_SHA_512', 64],
    ['RSASSA_PSS_SHA_256', 32],
    ['RSASSA_PSS_SHA_384', 48],
    ['RSASSA_PSS_SHA_512', 64],
    ['ECDSA_SHA_256', 32],
    ['ECDSA_SHA_384', 48],
    ['ECDSA_SHA_512', 64],
    ['ED25519_PH_SHA_512', 64],
  ] as const)('%s takes a %i-byte DIGEST', (alg, length) => {
    expect(SIGNING_ALGORITHM_TABLE[alg].digestLength).toBe(length);
    expect(SIGNING_ALGORITHM_TABLE[alg].messageTypes).toContain('DIGEST');
  });

  it('ED25519_SHA_512 takes RAW messages only', () => {
    expect(SIGNING_ALGORITHM_TABLE.ED25519_SHA_512.messageTypes).toEqual(['RAW']);
    expect(SIGNING_ALGORITHM_TABLE.ED25519_SHA_512.digestLength).toBeNull();
    expect(SIGNING_ALGORITHM_TABLE.ED25519_SHA_512.mechanism).toEqual({ mechanism: 0x1057 });
  });

  it('ED25519_PH_SHA_512 takes DIGEST messages only and asks the token for the prehash variant', () => {
    expect(SIGNING_ALGORITHM_TABLE.ED25519_PH_SHA_512.messageTypes).toEqual(['DIGEST']);
    expect(SIGNING_ALGORITHM_TABLE.ED25519_PH_SHA_512.mechanism).toEqual({
      mechanism: 0x1057,
      eddsa: { prehash: true },
    });
  });

  it.each([
    ['RSASSA_PKCS1_V1_5_SHA_256', 'sha256', '3031300d060960864801650304020105000420'],
    ['RSASSA_PKCS1_V1_5_SHA_384', 'sha384', '3041300d060960864801650304020205000430'],
    ['RSASSA_PKCS1_V1_5_SHA_512', 'sha512', '3051300d060960864801650304020305000440'],
  ] as const)(
    '%s hands the token DigestInfo ‖ %s(message) under CKM_RSA_PKCS',
    (alg, hash, prefix) => {
      const entry = SIGNING_ALGORITHM_TABLE[alg];
      const digest = sha(hash, MESSAGE);
      const expected = prefix + digest.toString('hex');
      expect(entry.mechanism).toEqual({ mechanism: 0x0001 });
      expect(entry.tokenInput(MESSAGE, 'RAW').toString('hex')).toBe(expected);
      expect(entry.tokenInput(digest, 'DIGEST').toString('hex')).toBe(expected);
    },
  );

  describe('PKCS#1 token input against node:crypto', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    it.each([
      ['RSASSA_PKCS1_V1_5_SHA_256', 'sha256'],
      ['RSASSA_PKCS1_V1_5_SHA_384', 'sha384'],
      ['RSASSA_PKCS1_V1_5_SHA_512', 'sha512'],
    ] as const)('%s token input is what a node signature decrypts to', (alg, hash) => {
      const signature = sign(hash, MESSAGE, {
        key: privateKey,
        padding: constants.RSA_PKCS1_PADDING,
      });
      const digestInfo = publicDecrypt(
        { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
        signature,
      );
      expect(SIGNING_ALGORITHM_TABLE[alg].tokenInput(MESSAGE, 'RAW').toString('hex')).toBe(
        digestInfo.toString('hex'),
      );
    });
  });

  it.each([
    ['RSASSA_PSS_SHA_256', 'sha256', 0x250, 0x2, 32],
    ['RSASSA_PSS_SHA_384', 'sha384', 0x260, 0x3, 48],
    ['RSASSA_PSS_SHA_512', 'sha512', 0x270, 0x4, 64],
  ] as const)(
    '%s signs the %s digest with CKM_RSA_PKCS_PSS, MGF1 of the same hash and salt = hash length',
    (alg, hash, hashMech, mgf, saltLen) => {
      const entry = SIGNING_ALGORITHM_TABLE[alg];
      expect(entry.mechanism).toEqual({
        mechanism: 0x000d,
        pss: { hashAlg: hashMech, mgf, saltLen },
      });
      const digest = sha(hash, MESSAGE);
      expect(entry.tokenInput(MESSAGE, 'RAW').toString('hex')).toBe(digest.toString('hex'));
      expect(entry.tokenInput(digest, 'DIGEST').toString('hex')).toBe(digest.toString('hex'));
    },
  );

  it.each([
    ['ECDSA_SHA_256', 'sha256'],
    ['ECDSA_SHA_384', 'sha384'],
    ['ECDSA_SHA_512', 'sha512'],
  ] as const)('%s signs the %s digest with bare CKM_ECDSA', (alg, hash) => {
    const entry = SIGNING_ALGORITHM_TABLE[alg];
    expect(entry.mechanism).toEqual({ mechanism: 0x1041 });
    const digest = sha(hash, MESSAGE);
    expect(entry.tokenInput(MESSAGE, 'RAW').toString('hex')).toBe(digest.toString('hex'));
    expect(entry.tokenInput(digest, 'DIGEST').toString('hex')).toBe(digest.toString('hex'));
  });

  it('gives RAW and DIGEST the same token input for every hashing algorithm', () => {
    for (const alg of SIGNING_ALGORITHMS) {
      const entry = SIGNING_ALGORITHM_TABLE[alg];
      if (
        'unavailable' in entry.mechanism ||
        !entry.messageTypes.includes('RAW') ||
        !entry.messageTypes.includes('DIGEST')
      )
        continue;
      const hash =
        entry.digestLength === 32 ? 'sha256' : entry.digestLength === 48 ? 'sha384' : 'sha512';
      expect({
        alg,
        input: entry.tokenInput(sha(hash, MESSAGE), 'DIGEST').toString('hex'),
      }).toEqual({
        alg,
        input: entry.tokenInput(MESSAGE, 'RAW').toString('hex'),
      });
    }
  });

  it('never hashes a DIGEST again', () => {
    const digest = Buffer.alloc(32, 0x42);
    expect(SIGNING_ALGORITHM_TABLE.ECDSA_SHA_256.tokenInput(digest, 'DIGEST').toString('hex')).toBe(
      digest.toString('hex'),
    );
    expect(
      SIGNING_ALGORITHM_TABLE.RSASSA_PSS_SHA_256.tokenInput(digest, 'DIGEST').toString('hex'),
    ).toBe(digest.toString('hex'));
  });

  it("hands pure Ed25519 the message itself and Ed25519ph the client's SHA-512 prehash", () => {
    expect(SIGNING_ALGORITHM_TABLE.ED25519_SHA_512.tokenInput(MESSAGE, 'RAW').toString('hex')).toBe(
      MESSAGE.toString('hex'),
    );
    const prehash = sha('sha512', MESSAGE);
    expect(
      SIGNING_ALGORITHM_TABLE.ED25519_PH_SHA_512.tokenInput(prehash, 'DIGEST').toString('hex'),
    ).toBe(prehash.toString('hex'));
  });

  it.each(['SM2DSA', 'ML_DSA_SHAKE_256'] as const)(
    '%s has no mechanism and refuses to be used',
    (alg) => {
      const entry = SIGNING_ALGORITHM_TABLE[alg];
      expect('unavailable' in entry.mechanism).toBe(true);
      expect(typeof (entry.mechanism as { unavailable: string }).unavailable).toBe('string');
      expect(() => entry.tokenInput(MESSAGE, 'RAW')).toThrow(`${alg} has no mechanism here`);
      expect(() => entry.encodeSignature(MESSAGE, { sizeBytes: 32 })).toThrow(
        `${alg} has no mechanism here`,
      );
      expect(() => entry.decodeSignature(MESSAGE, { sizeBytes: 32 })).toThrow(
        `${alg} has no mechanism here`,
      );
    },
  );

  it('states what SM2DSA and ML_DSA_SHAKE_256 would need', () => {
    expect(SIGNING_ALGORITHM_TABLE.SM2DSA.mechanism).toEqual({
      unavailable: 'a token with a vendor SM2 mechanism configured',
    });
    expect(SIGNING_ALGORITHM_TABLE.ML_DSA_SHAKE_256.mechanism).toEqual({
      unavailable: 'a PKCS#11 3.2 token with CKM_ML_DSA',
    });
    expect(SIGNING_ALGORITHM_TABLE.ML_DSA_SHAKE_256.messageTypes).toEqual(['RAW', 'EXTERNAL_MU']);
  });
});

describe('signature encodings', () => {
  it('passes RSA signatures through and accepts only the modulus length back', () => {
    const entry = SIGNING_ALGORITHM_TABLE.RSASSA_PKCS1_V1_5_SHA_256;
    const sig = Buffer.alloc(256, 7);
    expect(entry.encodeSignature(sig, { sizeBytes: 256 })).toBe(sig);
    expect(entry.decodeSignature(sig, { sizeBytes: 256 })).toBe(sig);
    expect(entry.decodeSignature(Buffer.alloc(255), { sizeBytes: 256 })).toBeNull();
    expect(entry.decodeSignature(Buffer.alloc(257), { sizeBytes: 256 })).toBeNull();
    expect(
      SIGNING_ALGORITHM_TABLE.RSASSA_PSS_SHA_384.decodeSignature(Buffer.alloc(384), {
        sizeBytes: 384,
      })?.length,
    ).toBe(384);
    expect(
      SIGNING_ALGORITHM_TABLE.RSASSA_PSS_SHA_384.decodeSignature(Buffer.alloc(383), {
        sizeBytes: 384,
      }),
    ).toBeNull();
  });

  it("turns ECDSA r‖s into DER and DER back into r‖s of the key's field size", () => {
    const entry = SIGNING_ALGORITHM_TABLE.ECDSA_SHA_384;
    const raw = Buffer.concat([Buffer.alloc(48, 0x81), Buffer.alloc(48, 0x01)]);
    const der = entry.encodeSignature(raw, { sizeBytes: 48 });
    expect(der.subarray(0, 5).toString('hex')).toBe('3065023100');
    expect(entry.decodeSignature(der, { sizeBytes: 48 })?.toString('hex')).toBe(
      raw.toString('hex'),
    );
    expect(entry.decodeSignature(raw, { sizeBytes: 48 })).toBeNull();
  });

  it('accepts only 64-byte Ed25519 signatures', () => {
    for (const alg of ['ED25519_SHA_512', 'ED25519_PH_SHA_512'] as const) {
      const entry = SIGNING_ALGORITHM_TABLE[alg];
      expect(entry.decodeSignature(Buffer.alloc(64), { sizeBytes: 32 })?.length).toBe(64);
      expect(entry.decodeSignature(Buffer.alloc(63), { sizeBytes: 32 })).toBeNull();
      expect(entry.decodeSignature(Buffer.alloc(65), { sizeBytes: 32 })).toBeNull();
    }
  });
});

describe('verifyRaw against node:crypto and noble signatures', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it.each([
    ['RSASSA_PKCS1_V1_5_SHA_256', 'sha256'],
    ['RSASSA_PKCS1_V1_5_SHA_384', 'sha384'],
    ['RSASSA_PKCS1_V1_5_SHA_512', 'sha512'],
  ] as const)('%s accepts a node signature and refuses it with one bit flipped', (alg, hash) => {
    const sig = sign(hash, MESSAGE, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PADDING });
    const entry = SIGNING_ALGORITHM_TABLE[alg];
    expect(entry.verifyRaw(MESSAGE, rsa.publicKey, sig)).toBe(true);
    expect(entry.verifyRaw(MESSAGE, rsa.publicKey, flipLastBit(sig))).toBe(false);
    expect(entry.verifyRaw(Buffer.from('another message'), rsa.publicKey, sig)).toBe(false);
  });

  it.each([
    ['RSASSA_PSS_SHA_256', 'sha256', 32],
    ['RSASSA_PSS_SHA_384', 'sha384', 48],
    ['RSASSA_PSS_SHA_512', 'sha512', 64],
  ] as const)(
    '%s accepts a node PSS signature with salt = hash length and refuses a flipped bit',
    (alg, hash, saltLength) => {
      const sig = sign(hash, MESSAGE, {
        key: rsa.privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength,
      });
      const entry = SIGNING_ALGORITHM_TABLE[alg];
      expect(entry.verifyRaw(MESSAGE, rsa.publicKey, sig)).toBe(true);
      expect(entry.verifyRaw(MESSAGE, rsa.publicKey, flipLastBit(sig))).toBe(false);
    },
  );

  it('RSASSA_PSS_SHA_256 refuses a signature made with a different salt length', () => {
    const sig = sign('sha256', MESSAGE, {
      key: rsa.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 20,
    });
    expect(SIGNING_ALGORITHM_TABLE.RSASSA_PSS_SHA_256.verifyRaw(MESSAGE, rsa.publicKey, sig)).toBe(
      false,
    );
  });

  it('a PKCS#1 algorithm refuses a PSS signature and vice versa', () => {
    const pkcs1 = sign('sha256', MESSAGE, {
      key: rsa.privateKey,
      padding: constants.RSA_PKCS1_PADDING,
    });
    const pss = sign('sha256', MESSAGE, {
      key: rsa.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
    expect(
      SIGNING_ALGORITHM_TABLE.RSASSA_PSS_SHA_256.verifyRaw(MESSAGE, rsa.publicKey, pkcs1),
    ).toBe(false);
    expect(
      SIGNING_ALGORITHM_TABLE.RSASSA_PKCS1_V1_5_SHA_256.verifyRaw(MESSAGE, rsa.publicKey, pss),
    ).toBe(false);
  });

  it.each([
    ['ECDSA_SHA_256', 'sha256', 'prime256v1', 32],
    ['ECDSA_SHA_384', 'sha384', 'secp384r1', 48],
    ['ECDSA_SHA_512', 'sha512', 'secp521r1', 66],
    ['ECDSA_SHA_256', 'sha256', 'secp256k1', 32],
  ] as const)(
    '%s on %s accepts a node DER signature and refuses a flipped bit',
    (alg, hash, namedCurve, fieldBytes) => {
      const ec = generateKeyPairSync('ec', { namedCurve });
      const entry = SIGNING_ALGORITHM_TABLE[alg];
      const der = sign(hash, MESSAGE, { key: ec.privateKey, dsaEncoding: 'der' });
      expect(entry.verifyRaw(MESSAGE, ec.publicKey, der)).toBe(true);
      expect(entry.verifyRaw(MESSAGE, ec.publicKey, flipLastBit(der))).toBe(false);
      // The token's r‖s form, once encoded, verifies too.
      const p1363 = sign(hash, MESSAGE, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
      const wire = entry.encodeSignature(p1363, { sizeBytes: fieldBytes });
      expect(entry.verifyRaw(MESSAGE, ec.publicKey, wire)).toBe(true);
      expect(entry.decodeSignature(der, { sizeBytes: fieldBytes })?.length).toBe(2 * fieldBytes);
      expect(ecdsaDerToRaw(wire, fieldBytes)?.toString('hex')).toBe(p1363.toString('hex'));
    },
  );

  describe('Ed25519', () => {
    const ed = generateKeyPairSync('ed25519');
    const seed = Buffer.from(ed.privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
    const publicKey: KeyObject = ed.publicKey;

    it('ED25519_SHA_512 accepts a node signature and refuses a flipped bit', () => {
      const sig = sign(null, MESSAGE, ed.privateKey);
      const entry = SIGNING_ALGORITHM_TABLE.ED25519_SHA_512;
      expect(entry.verifyRaw(MESSAGE, publicKey, sig)).toBe(true);
      expect(entry.verifyRaw(MESSAGE, publicKey, flipFirstBit(sig))).toBe(false);
      expect(entry.verifyRaw(MESSAGE, publicKey, flipLastBit(sig))).toBe(false);
    });

    it('ED25519_PH_SHA_512 accepts a noble Ed25519ph signature over the message and refuses a flipped bit', () => {
      expect(seed.length).toBe(32);
      const sig = Buffer.from(ed25519ph.sign(MESSAGE, seed));
      const entry = SIGNING_ALGORITHM_TABLE.ED25519_PH_SHA_512;
      expect(entry.verifyRaw(MESSAGE, publicKey, sig)).toBe(true);
      expect(entry.verifyRaw(MESSAGE, publicKey, flipFirstBit(sig))).toBe(false);
      expect(entry.verifyRaw(Buffer.from('another message'), publicKey, sig)).toBe(false);
    });

    it('does not confuse pure Ed25519 and Ed25519ph signatures', () => {
      const pure = sign(null, MESSAGE, ed.privateKey);
      const ph = Buffer.from(ed25519ph.sign(MESSAGE, seed));
      expect(Buffer.from(ed25519.sign(MESSAGE, seed)).toString('hex')).toBe(pure.toString('hex'));
      expect(SIGNING_ALGORITHM_TABLE.ED25519_PH_SHA_512.verifyRaw(MESSAGE, publicKey, pure)).toBe(
        false,
      );
      expect(SIGNING_ALGORITHM_TABLE.ED25519_SHA_512.verifyRaw(MESSAGE, publicKey, ph)).toBe(false);
    });
  });

  it('every available algorithm has a verifyRaw that the checks above exercised', () => {
    const tested: SigningAlgorithm[] = [
      'RSASSA_PKCS1_V1_5_SHA_256',
      'RSASSA_PKCS1_V1_5_SHA_384',
      'RSASSA_PKCS1_V1_5_SHA_512',
      'RSASSA_PSS_SHA_256',
      'RSASSA_PSS_SHA_384',
      'RSASSA_PSS_SHA_512',
      'ECDSA_SHA_256',
      'ECDSA_SHA_384',
      'ECDSA_SHA_512',
      'ED25519_SHA_512',
      'ED25519_PH_SHA_512',
    ];
    const available = SIGNING_ALGORITHMS.filter(
      (a) => !('unavailable' in SIGNING_ALGORITHM_TABLE[a].mechanism),
    );
    expect([...available].sort()).toEqual([...tested].sort());
  });
});
