import { thrownKmsError } from '../../support/thrown';
import { parseInput } from '../../../src/http/parse-input';
import { sign } from '../../../src/operations/sign';
import { verify } from '../../../src/operations/verify';
import { listKeys } from '../../../src/operations/list-keys';
import { listAliases } from '../../../src/operations/list-aliases';
import { getPublicKey } from '../../../src/operations/get-public-key';
import { createAlias } from '../../../src/operations/create-alias';

const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const b64 = (n: number, fill = 0x61): string => Buffer.alloc(n, fill).toString('base64');

const failure = thrownKmsError;

const validSign = { KeyId: KEY, Message: b64(10), SigningAlgorithm: 'ECDSA_SHA_256' };
const ALGORITHMS =
  'RSASSA_PSS_SHA_256, RSASSA_PSS_SHA_384, RSASSA_PSS_SHA_512, RSASSA_PKCS1_V1_5_SHA_256, RSASSA_PKCS1_V1_5_SHA_384, ' +
  'RSASSA_PKCS1_V1_5_SHA_512, ECDSA_SHA_256, ECDSA_SHA_384, ECDSA_SHA_512, SM2DSA, ML_DSA_SHAKE_256, ED25519_SHA_512, ED25519_PH_SHA_512';

describe('parseInput with the Sign schema', () => {
  it('decodes a valid request: the message becomes bytes, strings stay strings', () => {
    const input = parseInput(sign.input, {
      ...validSign,
      MessageType: 'DIGEST',
      GrantTokens: ['g1', 'g2'],
      DryRun: true,
    });
    expect(Buffer.isBuffer(input.Message)).toBe(true);
    expect((input.Message as Buffer).toString()).toBe('aaaaaaaaaa');
    expect(input).toEqual({
      KeyId: KEY,
      Message: Buffer.alloc(10, 0x61),
      SigningAlgorithm: 'ECDSA_SHA_256',
      MessageType: 'DIGEST',
      GrantTokens: ['g1', 'g2'],
      DryRun: true,
    });
  });

  it('ignores unknown members and leaves them out of the input', () => {
    const input = parseInput(sign.input, { ...validSign, Foo: 'bar', keyId: 5, Extra: { a: 1 } });
    expect(Object.keys(input).sort()).toEqual(['KeyId', 'Message', 'SigningAlgorithm']);
  });

  it('treats a JSON null like an absent optional member', () => {
    const input = parseInput(sign.input, { ...validSign, MessageType: null, GrantTokens: null });
    expect('MessageType' in input).toBe(false);
    expect('GrantTokens' in input).toBe(false);
  });

  it('accepts a 4096-byte message and a 1-byte message', () => {
    expect(
      (parseInput(sign.input, { ...validSign, Message: b64(4096) }).Message as Buffer).length,
    ).toBe(4096);
    expect(
      (parseInput(sign.input, { ...validSign, Message: b64(1) }).Message as Buffer).length,
    ).toBe(1);
  });

  it('refuses a 4097-byte message in AWS wording, without echoing the message', () => {
    expect(failure(() => parseInput(sign.input, { ...validSign, Message: b64(4097) }))).toEqual({
      name: 'ValidationException',
      status: 400,
      message:
        "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
    });
  });

  it('refuses an empty message', () => {
    expect(failure(() => parseInput(sign.input, { ...validSign, Message: '' }))).toEqual({
      name: 'ValidationException',
      status: 400,
      message:
        "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
  });

  it('refuses a missing KeyId', () => {
    const { KeyId: _omit, ...body } = validSign;
    expect(failure(() => parseInput(sign.input, body))).toEqual({
      name: 'ValidationException',
      status: 400,
      message:
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    });
  });

  it('refuses a null KeyId as missing', () => {
    expect(failure(() => parseInput(sign.input, { ...validSign, KeyId: null })).message).toBe(
      "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    );
  });

  it('refuses an empty KeyId', () => {
    expect(failure(() => parseInput(sign.input, { ...validSign, KeyId: '' })).message).toBe(
      "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('refuses an unknown signing algorithm, listing the enum', () => {
    expect(
      failure(() => parseInput(sign.input, { ...validSign, SigningAlgorithm: 'ECDSA_SHA_1' })),
    ).toEqual({
      name: 'ValidationException',
      status: 400,
      message: `1 validation error detected: Value 'ECDSA_SHA_1' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [${ALGORITHMS}]`,
    });
  });

  it('refuses an unknown message type', () => {
    expect(
      failure(() => parseInput(sign.input, { ...validSign, MessageType: 'raw' })).message,
    ).toBe(
      "1 validation error detected: Value 'raw' at 'messageType' failed to satisfy constraint: Member must satisfy enum value set: [RAW, DIGEST, EXTERNAL_MU]",
    );
  });

  it('lists several violations at once, in member order, joined by "; "', () => {
    expect(
      failure(() => parseInput(sign.input, { Message: b64(4097), SigningAlgorithm: 'NOPE' })),
    ).toEqual({
      name: 'ValidationException',
      status: 400,
      message:
        '3 validation errors detected: ' +
        "Value null at 'keyId' failed to satisfy constraint: Member must not be null; " +
        "Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096; " +
        `Value 'NOPE' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [${ALGORITHMS}]`,
    });
  });

  it('reports two missing members as "2 validation errors detected"', () => {
    expect(failure(() => parseInput(sign.input, { KeyId: KEY })).message).toBe(
      '2 validation errors detected: ' +
        "Value null at 'message' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'signingAlgorithm' failed to satisfy constraint: Member must not be null",
    );
  });

  describe('GrantTokens', () => {
    it('accepts ten tokens', () => {
      const tokens = Array.from({ length: 10 }, (_, i) => `t${i}`);
      expect(parseInput(sign.input, { ...validSign, GrantTokens: tokens }).GrantTokens).toEqual(
        tokens,
      );
    });

    it('refuses eleven tokens', () => {
      const tokens = Array.from({ length: 11 }, (_, i) => `t${i}`);
      expect(failure(() => parseInput(sign.input, { ...validSign, GrantTokens: tokens }))).toEqual({
        name: 'ValidationException',
        status: 400,
        message: `1 validation error detected: Value '[${tokens.join(', ')}]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10`,
      });
    });

    it('refuses an empty token, naming its position', () => {
      expect(
        failure(() => parseInput(sign.input, { ...validSign, GrantTokens: ['ok', ''] })).message,
      ).toBe(
        "1 validation error detected: Value '' at 'grantTokens.2.member' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    });

    it('refuses a token over 8192 characters and accepts one of exactly 8192', () => {
      expect(
        parseInput(sign.input, { ...validSign, GrantTokens: ['x'.repeat(8192)] }).GrantTokens,
      ).toEqual(['x'.repeat(8192)]);
      expect(
        failure(() => parseInput(sign.input, { ...validSign, GrantTokens: ['x'.repeat(8193)] }))
          .message,
      ).toBe(
        `1 validation error detected: Value '${'x'.repeat(8193)}' at 'grantTokens.1.member' failed to satisfy constraint: Member must have length less than or equal to 8192`,
      );
    });

    it('refuses a list that is not strings with SerializationException', () => {
      expect(
        failure(() => parseInput(sign.input, { ...validSign, GrantTokens: ['a', 1] })),
      ).toEqual({
        name: 'SerializationException',
        status: 400,
        message: "Member 'GrantTokens' must be a list of strings.",
      });
      expect(
        failure(() => parseInput(sign.input, { ...validSign, GrantTokens: 'a' })).message,
      ).toBe("Member 'GrantTokens' must be a list of strings.");
    });
  });

  describe('wrong JSON types', () => {
    it.each([
      ['KeyId', 42, "Member 'KeyId' must be a string."],
      ['KeyId', { id: KEY }, "Member 'KeyId' must be a string."],
      ['Message', 42, "Member 'Message' must be a base64-encoded string."],
      ['Message', [1, 2], "Member 'Message' must be a base64-encoded string."],
      ['SigningAlgorithm', true, "Member 'SigningAlgorithm' must be a string."],
      ['DryRun', 'true', "Member 'DryRun' must be a boolean."],
      ['DryRun', 1, "Member 'DryRun' must be a boolean."],
    ])('%s = %j is a SerializationException', (member, value, message) => {
      expect(failure(() => parseInput(sign.input, { ...validSign, [member]: value }))).toEqual({
        name: 'SerializationException',
        status: 400,
        message,
      });
    });

    it('a type error wins over validation errors elsewhere in the request', () => {
      expect(failure(() => parseInput(sign.input, { Message: 7 })).name).toBe(
        'SerializationException',
      );
    });
  });

  describe('base64', () => {
    it.each([
      ['garbage characters', 'QUJD!!'],
      ['whitespace', 'QUJD QUJD'],
      ['bad padding', 'QQ='],
      ['non-canonical trailing bits', 'QR=='],
    ])('refuses a message with %s as SerializationException', (_what, text) => {
      expect(failure(() => parseInput(sign.input, { ...validSign, Message: text }))).toEqual({
        name: 'SerializationException',
        status: 400,
        message: "Member 'Message' is not valid base64.",
      });
    });

    it('accepts unpadded base64', () => {
      expect(
        (parseInput(sign.input, { ...validSign, Message: 'QUI' }).Message as Buffer).toString(),
      ).toBe('AB');
    });
  });
});

describe('parseInput with other operation schemas', () => {
  it('Verify requires a Signature of at most 6144 bytes', () => {
    expect(failure(() => parseInput(verify.input, validSign)).message).toBe(
      "1 validation error detected: Value null at 'signature' failed to satisfy constraint: Member must not be null",
    );
    expect(
      failure(() => parseInput(verify.input, { ...validSign, Signature: b64(6145) })).message,
    ).toBe(
      "1 validation error detected: Value at 'signature' failed to satisfy constraint: Member must have length less than or equal to 6144",
    );
    expect(
      (parseInput(verify.input, { ...validSign, Signature: b64(6144) }).Signature as Buffer).length,
    ).toBe(6144);
  });

  it('ListKeys accepts an empty body', () => {
    expect(parseInput(listKeys.input, {})).toEqual({});
  });

  it.each([
    [
      0,
      "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      1001,
      "Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    ],
  ])('ListKeys refuses Limit %i', (limit, violation) => {
    expect(failure(() => parseInput(listKeys.input, { Limit: limit }))).toEqual({
      name: 'ValidationException',
      status: 400,
      message: `1 validation error detected: ${violation}`,
    });
  });

  it('ListKeys accepts Limit 1 and 1000', () => {
    expect(parseInput(listKeys.input, { Limit: 1 })).toEqual({ Limit: 1 });
    expect(parseInput(listKeys.input, { Limit: 1000 })).toEqual({ Limit: 1000 });
  });

  it('ListKeys reads a Limit written with an exponent as the integer it is', () => {
    expect(parseInput(listKeys.input, JSON.parse('{"Limit": 1e3}'))).toEqual({ Limit: 1000 });
  });

  it.each([
    ['a fraction', 1.5],
    ['a numeric string', '10'],
    ['2^53, which JSON parsing may already have rounded', 2 ** 53],
    ['a huge exponent', JSON.parse('2e53') as number],
  ])('ListKeys refuses a Limit that is %s with SerializationException', (_what, limit) => {
    expect(failure(() => parseInput(listKeys.input, { Limit: limit }))).toEqual({
      name: 'SerializationException',
      status: 400,
      message: "Member 'Limit' must be an integer.",
    });
  });

  it('ListKeys refuses an empty Marker', () => {
    expect(failure(() => parseInput(listKeys.input, { Marker: '' })).message).toBe(
      "1 validation error detected: Value '' at 'marker' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('ListAliases takes an optional KeyId', () => {
    expect(parseInput(listAliases.input, {})).toEqual({});
    expect(parseInput(listAliases.input, { KeyId: 'alias/x' })).toEqual({ KeyId: 'alias/x' });
  });

  it('GetPublicKey refuses a KeyId over 2048 characters', () => {
    const long = 'k'.repeat(2049);
    expect(failure(() => parseInput(getPublicKey.input, { KeyId: long })).message).toBe(
      `1 validation error detected: Value '${long}' at 'keyId' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    );
  });
});

describe('parseInput with a pattern (CreateAlias)', () => {
  it('checks the whole value against the pattern, in AWS wording', () => {
    expect(parseInput(createAlias.input, { AliasName: 'alias/ok:1_-', TargetKeyId: KEY })).toEqual({
      AliasName: 'alias/ok:1_-',
      TargetKeyId: KEY,
    });
    expect(
      failure(() =>
        parseInput(createAlias.input, { AliasName: 'alias/has space', TargetKeyId: KEY }),
      ),
    ).toEqual({
      name: 'ValidationException',
      status: 400,
      message:
        "1 validation error detected: Value 'alias/has space' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    });
  });
});
