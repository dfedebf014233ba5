// REVIEW SCRATCH (to be deleted): hostile input to the new operations.
import { createECDH, createPublicKey, generateKeyPairSync, publicEncrypt, constants, randomBytes } from 'node:crypto';
import { CreateKeyCommand, EncryptCommand, GetPublicKeyCommand } from '@aws-sdk/client-kms';
import { postKms } from '../support/raw-requests';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
let sym = '';
let rsa = '';
let ecdh = '';
const results: string[] = [];

beforeAll(async () => {
  t = await startTestGateway();
  sym = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
  rsa = (await t.kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })))
    .KeyMetadata?.KeyId as string;
  ecdh = (await t.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' })))
    .KeyMetadata?.KeyId as string;
}, 120_000);
afterAll(async () => {
  // eslint-disable-next-line no-console
  console.log(results.join('\n'));
  await t?.close();
});

async function call(label: string, op: string, body: unknown): Promise<Record<string, unknown>> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const r = await postKms(t.gateway.url, `TrentService.${op}`, raw);
  const line = `${r.status >= 500 ? '!!500 ' : ''}${label}: ${r.status} ${String(r.json.__type ?? 'OK')} ${String(r.json.message ?? r.json.Message ?? '').slice(0, 160)}`;
  results.push(line);
  return r.json;
}

const b64 = (b: Buffer) => b.toString('base64');

test('fuzz', async () => {
  const enc = await t.kms.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('hi'), EncryptionContext: { a: 'b' } }));
  const blob = Buffer.from(enc.CiphertextBlob as Uint8Array);
  // EncryptionContext types
  for (const [name, ctx] of [
    ['array', ['a']],
    ['number', 5],
    ['string', 'x'],
    ['null', null],
    ['nested', { a: { b: 'c' } }],
    ['numval', { a: 1 }],
    ['nullval', { a: null }],
    ['emptykey', { '': 'v' }],
    ['emptyval', { k: '' }],
    ['proto', JSON.parse('{"__proto__":"x"}')],
    ['lone-surrogate', JSON.parse('{"a":"\\ud800"}')],
  ] as const) {
    await call(`Encrypt ctx ${name}`, 'Encrypt', `{"KeyId":"${sym}","Plaintext":"aGk=","EncryptionContext":${name === 'proto' ? '{"__proto__":"x"}' : name === 'lone-surrogate' ? '{"a":"\\ud800"}' : JSON.stringify(ctx)}}`);
  }
  // huge contexts
  const big: Record<string, string> = {};
  for (let i = 0; i < 20000; i++) big[`k${i}`] = 'v';
  await call('Encrypt ctx 20000 keys', 'Encrypt', { KeyId: sym, Plaintext: 'aGk=', EncryptionContext: big });
  await call('Encrypt ctx 70000-byte key', 'Encrypt', { KeyId: sym, Plaintext: 'aGk=', EncryptionContext: { ['k'.repeat(70000)]: 'v' } });
  // __proto__ context roundtrip
  const protoEnc = await call('Encrypt proto ctx', 'Encrypt', `{"KeyId":"${sym}","Plaintext":"aGk=","EncryptionContext":{"__proto__":"x"}}`);
  if (protoEnc.CiphertextBlob) {
    await call('Decrypt proto ctx with {} (must fail)', 'Decrypt', { CiphertextBlob: protoEnc.CiphertextBlob, EncryptionContext: {} });
    await call('Decrypt proto ctx with proto (must succeed)', 'Decrypt', `{"CiphertextBlob":"${String(protoEnc.CiphertextBlob)}","EncryptionContext":{"__proto__":"x"}}`);
  }
  // blobs of many lengths
  for (const n of [0, 1, 47, 48, 63, 64, 65, 6144, 6145]) {
    const b = Buffer.alloc(n, 0);
    if (n >= 36) blob.copy(b, 0, 0, Math.min(n, 36));
    await call(`Decrypt blob len ${n}`, 'Decrypt', { CiphertextBlob: b64(b), EncryptionContext: { a: 'b' } });
  }
  // 64-byte: header valid, empty ciphertext
  const empty = Buffer.concat([blob.subarray(0, 48), randomBytes(16)]);
  await call('Decrypt 64-byte valid header', 'Decrypt', { CiphertextBlob: b64(empty) });
  // random material id
  const mat = Buffer.from(blob);
  randomBytes(16).copy(mat, 20);
  await call('Decrypt random material', 'Decrypt', { CiphertextBlob: b64(mat), EncryptionContext: { a: 'b' } });
  // key id random
  const kid = Buffer.from(blob);
  randomBytes(16).copy(kid, 4);
  await call('Decrypt random key id', 'Decrypt', { CiphertextBlob: b64(kid), EncryptionContext: { a: 'b' } });
  await call('Decrypt random key id + KeyId', 'Decrypt', { CiphertextBlob: b64(kid), KeyId: sym, EncryptionContext: { a: 'b' } });
  // wrong types
  await call('Decrypt blob number', 'Decrypt', { CiphertextBlob: 5 });
  await call('Decrypt blob bad b64', 'Decrypt', { CiphertextBlob: '!!!!' });
  await call('Decrypt Recipient string', 'Decrypt', { CiphertextBlob: b64(blob), Recipient: 'x' });
  await call('Decrypt Recipient array', 'Decrypt', { CiphertextBlob: b64(blob), Recipient: [] });
  await call('Decrypt Recipient {}', 'Decrypt', { CiphertextBlob: b64(blob), Recipient: {} });
  await call('Decrypt DryRunModifiers string', 'Decrypt', { CiphertextBlob: b64(blob), DryRun: true, DryRunModifiers: 'IGNORE_CIPHERTEXT' });
  await call('Decrypt DryRunModifiers bad', 'Decrypt', { CiphertextBlob: b64(blob), DryRun: true, DryRunModifiers: ['X'] });
  await call('Decrypt IGNORE no KeyId', 'Decrypt', { DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] });
  await call('Decrypt IGNORE w KeyId', 'Decrypt', { KeyId: sym, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] });
  await call('Decrypt IGNORE no DryRun', 'Decrypt', { KeyId: sym, DryRunModifiers: ['IGNORE_CIPHERTEXT'] });
  await call('Decrypt EncryptionAlgorithm bad', 'Decrypt', { CiphertextBlob: b64(blob), EncryptionAlgorithm: 'X' });
  await call('Decrypt SM2PKE', 'Decrypt', { CiphertextBlob: b64(blob), KeyId: sym, EncryptionAlgorithm: 'SM2PKE' });
  await call('Decrypt SM2PKE no key', 'Decrypt', { CiphertextBlob: b64(blob), EncryptionAlgorithm: 'SM2PKE' });
  await call('Decrypt with RSA key named for sym blob', 'Decrypt', { CiphertextBlob: b64(blob), KeyId: rsa, EncryptionContext: { a: 'b' } });
  await call('Decrypt with RSA key + OAEP for sym blob', 'Decrypt', { CiphertextBlob: b64(blob), KeyId: rsa, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
  await call('Decrypt sym key + OAEP', 'Decrypt', { CiphertextBlob: b64(blob), KeyId: sym, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
  // Plaintext limits
  await call('Encrypt 4097', 'Encrypt', { KeyId: sym, Plaintext: b64(Buffer.alloc(4097)) });
  await call('Encrypt 0', 'Encrypt', { KeyId: sym, Plaintext: '' });
  await call('Encrypt missing KeyId', 'Encrypt', { Plaintext: 'aGk=' });
  // GenerateDataKey
  for (const body of [
    { KeyId: sym },
    { KeyId: sym, NumberOfBytes: 0 },
    { KeyId: sym, NumberOfBytes: 1025 },
    { KeyId: sym, NumberOfBytes: 1.5 },
    { KeyId: sym, NumberOfBytes: '32' },
    { KeyId: sym, NumberOfBytes: 32, KeySpec: 'AES_256' },
    { KeyId: sym, KeySpec: 'AES_512' },
    { KeyId: rsa, KeySpec: 'AES_256' },
    { KeyId: sym, KeySpec: 'AES_256', EncryptionContext: [] },
    { KeyId: sym, NumberOfBytes: 1024 },
    { KeyId: sym, NumberOfBytes: 1e308 },
    { KeyId: sym, NumberOfBytes: -1 },
  ]) {
    await call(`GenerateDataKey ${JSON.stringify(body).replace(sym, 'SYM').replace(rsa, 'RSA')}`, 'GenerateDataKey', body);
  }
  // GenerateRandom
  for (const body of [{}, { NumberOfBytes: 0 }, { NumberOfBytes: 1025 }, { NumberOfBytes: 1024 }, { NumberOfBytes: '5' }, { NumberOfBytes: 5, Recipient: 'x' }, { NumberOfBytes: 5, CustomKeyStoreId: '' }]) {
    await call(`GenerateRandom ${JSON.stringify(body)}`, 'GenerateRandom', body);
  }
  // GenerateDataKeyPair
  for (const body of [
    { KeyId: sym, KeyPairSpec: 'RSA_1024' },
    { KeyId: sym },
    { KeyId: sym, KeyPairSpec: 'SM2' },
    { KeyId: rsa, KeyPairSpec: 'ECC_NIST_P256' },
    { KeyId: sym, KeyPairSpec: 'ECC_NIST_P521' },
    { KeyId: sym, KeyPairSpec: 'ECC_SECG_P256K1' },
  ]) {
    await call(`GenerateDataKeyPair ${JSON.stringify(body).replace(sym, 'SYM').replace(rsa, 'RSA')}`, 'GenerateDataKeyPair', body);
  }
  // Rotation inputs
  for (const body of [
    { KeyId: sym, RotationPeriodInDays: 89 },
    { KeyId: sym, RotationPeriodInDays: 2561 },
    { KeyId: sym, RotationPeriodInDays: 90.5 },
    { KeyId: sym, RotationPeriodInDays: '100' },
    { KeyId: rsa },
  ]) {
    await call(`EnableKeyRotation ${JSON.stringify(body).replace(sym, 'SYM').replace(rsa, 'RSA')}`, 'EnableKeyRotation', body);
  }
  for (const body of [{ KeyId: sym, Limit: 0 }, { KeyId: sym, Limit: 1001 }, { KeyId: sym, Marker: 'garbage' }, { KeyId: sym, Marker: '' }, { KeyId: rsa }]) {
    await call(`ListKeyRotations ${JSON.stringify(body).replace(sym, 'SYM').replace(rsa, 'RSA')}`, 'ListKeyRotations', body);
  }
  await call('RotateKeyOnDemand rsa', 'RotateKeyOnDemand', { KeyId: rsa });
  await call('GetKeyRotationStatus rsa', 'GetKeyRotationStatus', { KeyId: rsa });

  // RSA OAEP oracle
  const pub = await t.kms.send(new GetPublicKeyCommand({ KeyId: rsa }));
  const spki = Buffer.from(pub.PublicKey as Uint8Array);
  const pk = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const n = Buffer.from(pk.export({ format: 'jwk' }).n as string, 'base64url');
  for (const alg of ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']) {
    const hash = alg.endsWith('_1') ? 'sha1' : 'sha256';
    const otherHash = hash === 'sha1' ? 'sha256' : 'sha1';
    const good = publicEncrypt({ key: pk, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, Buffer.from('x'));
    const wrongHash = publicEncrypt({ key: pk, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: otherHash }, Buffer.from('x'));
    const pkcs1 = publicEncrypt({ key: pk, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('x'));
    const flipped = Buffer.from(good); flipped[100] ^= 1;
    const cases: [string, Buffer][] = [
      ['good', good],
      ['wrongHash', wrongHash],
      ['pkcs1', pkcs1],
      ['flipped', flipped],
      ['len k-1', good.subarray(1)],
      ['len k+1', Buffer.concat([Buffer.from([0]), good])],
      ['=modulus', n],
      ['ff..ff', Buffer.alloc(256, 0xff)],
      ['zero', Buffer.alloc(256, 0)],
      ['one', Buffer.concat([Buffer.alloc(255, 0), Buffer.from([1])])],
      ['len 1', Buffer.from([1])],
    ];
    for (let i = 0; i < 8; i++) cases.push([`random${i}`, Buffer.concat([Buffer.from([0]), randomBytes(255)])]);
    for (const [name, ct] of cases) {
      await call(`Decrypt ${alg} ${name}`, 'Decrypt', { KeyId: rsa, EncryptionAlgorithm: alg, CiphertextBlob: b64(ct) });
    }
  }
  await call('Encrypt RSA with ctx', 'Encrypt', { KeyId: rsa, Plaintext: 'aGk=', EncryptionAlgorithm: 'RSAES_OAEP_SHA_256', EncryptionContext: { a: 'b' } });
  await call('Encrypt RSA with empty ctx', 'Encrypt', { KeyId: rsa, Plaintext: 'aGk=', EncryptionAlgorithm: 'RSAES_OAEP_SHA_256', EncryptionContext: {} });
  await call('Encrypt RSA no alg', 'Encrypt', { KeyId: rsa, Plaintext: 'aGk=' });
  await call('Encrypt RSA 191 sha256', 'Encrypt', { KeyId: rsa, Plaintext: b64(Buffer.alloc(191)), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
  await call('Encrypt RSA 214 sha1', 'Encrypt', { KeyId: rsa, Plaintext: b64(Buffer.alloc(214)), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' });
  await call('Decrypt RSA no KeyId', 'Decrypt', { EncryptionAlgorithm: 'RSAES_OAEP_SHA_1', CiphertextBlob: b64(Buffer.alloc(256, 1)) });

  // ECDH peers
  const p256 = createECDH('prime256v1'); p256.generateKeys();
  const spkiOf = (point: Buffer, oid = '06082a8648ce3d030107') => {
    const alg = Buffer.from(`301306072a8648ce3d0201${oid}`, 'hex');
    const bits = Buffer.concat([Buffer.from([0x03, point.length + 1, 0]), point]);
    const body = Buffer.concat([alg, bits]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  };
  const good = spkiOf(p256.getPublicKey());
  const compressed = spkiOf(p256.getPublicKey(null, 'compressed'));
  const offCurve = Buffer.from(p256.getPublicKey()); offCurve[64] ^= 1;
  const hybrid = Buffer.from(p256.getPublicKey()); hybrid[0] = 6;
  const p384 = createECDH('secp384r1'); p384.generateKeys();
  const rsaSpki = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' });
  const peers: [string, unknown][] = [
    ['good', b64(good)],
    ['compressed', b64(compressed)],
    ['offcurve', b64(spkiOf(offCurve))],
    ['hybrid', b64(spkiOf(hybrid))],
    ['infinity', b64(spkiOf(Buffer.from([0])))],
    ['x=0,y=0', b64(spkiOf(Buffer.concat([Buffer.from([4]), Buffer.alloc(64)])))],
    ['p384', b64(p384.getPublicKey().length < 120 ? Buffer.alloc(0) : Buffer.alloc(0))],
    ['rsa', b64(rsaSpki)],
    ['garbage', b64(randomBytes(91))],
    ['empty', ''],
    ['trailing', b64(Buffer.concat([good, Buffer.from([0])]))],
    ['raw point', b64(p256.getPublicKey())],
    ['number', 5],
    ['huge len', b64(Buffer.from('3084ffffffff', 'hex'))],
    ['deep nest', b64(Buffer.from('30' + '80'.repeat(1) + '00', 'hex'))],
  ];
  for (const [name, pkv] of peers) {
    await call(`DeriveSharedSecret ${name}`, 'DeriveSharedSecret', { KeyId: ecdh, KeyAgreementAlgorithm: 'ECDH', PublicKey: pkv });
  }
  await call('DeriveSharedSecret no alg', 'DeriveSharedSecret', { KeyId: ecdh, PublicKey: b64(good) });
  await call('DeriveSharedSecret Recipient', 'DeriveSharedSecret', { KeyId: ecdh, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64(good), Recipient: {} });
  await call('DeriveSharedSecret sym key', 'DeriveSharedSecret', { KeyId: sym, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64(good) });
  // ReEncrypt
  await call('ReEncrypt no dest', 'ReEncrypt', { CiphertextBlob: b64(blob) });
  await call('ReEncrypt to RSA', 'ReEncrypt', { CiphertextBlob: b64(blob), SourceEncryptionContext: { a: 'b' }, DestinationKeyId: rsa, DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
  await call('ReEncrypt to RSA no alg', 'ReEncrypt', { CiphertextBlob: b64(blob), SourceEncryptionContext: { a: 'b' }, DestinationKeyId: rsa });
  await call('ReEncrypt ctx type', 'ReEncrypt', { CiphertextBlob: b64(blob), SourceEncryptionContext: 'x', DestinationKeyId: sym });
  await call('ReEncrypt wrong ctx', 'ReEncrypt', { CiphertextBlob: b64(blob), DestinationKeyId: sym });
  await call('ReEncrypt from RSA no SourceKeyId', 'ReEncrypt', { CiphertextBlob: b64(Buffer.alloc(256, 1)), SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_1', DestinationKeyId: sym });
}, 300_000);
