// PKCS#11 numbers QKMS uses. pkcs11js is a PKCS#11 2.40 binding, so the 3.0 EdDSA values are
// defined here by hand; the rest are repeated so the crypto table can name them without loading
// the native addon (unit tests run without a token).

export const CKM = {
  RSA_PKCS_KEY_PAIR_GEN: 0x0000,
  RSA_PKCS: 0x0001,
  /** Raw RSA: the gateway pads (OAEP) where the token's own OAEP lacks a hash (SoftHSM: SHA-1 only). */
  RSA_X_509: 0x0003,
  /** Parameter CK_RSA_PKCS_OAEP_PARAMS. */
  RSA_PKCS_OAEP: 0x0009,
  RSA_PKCS_PSS: 0x000d,
  SHA256_RSA_PKCS: 0x0040,
  SHA384_RSA_PKCS: 0x0041,
  SHA512_RSA_PKCS: 0x0042,
  SHA_1: 0x0220,
  SHA256: 0x0250,
  SHA384: 0x0260,
  SHA512: 0x0270,
  GENERIC_SECRET_KEY_GEN: 0x0350,
  SHA224_HMAC: 0x0256,
  SHA256_HMAC: 0x0251,
  SHA384_HMAC: 0x0261,
  SHA512_HMAC: 0x0271,
  EC_KEY_PAIR_GEN: 0x1040,
  ECDSA: 0x1041,
  /** Parameter CK_ECDH1_DERIVE_PARAMS. */
  ECDH1_DERIVE: 0x1050,
  AES_KEY_GEN: 0x1080,
  /** Parameter CK_GCM_PARAMS. */
  AES_GCM: 0x1087,
  /** PKCS#11 3.0. */
  EC_EDWARDS_KEY_PAIR_GEN: 0x1055,
  /** PKCS#11 3.0; parameter CK_EDDSA_PARAMS. */
  EDDSA: 0x1057,
} as const;

export const CKG_MGF1 = { SHA1: 0x1, SHA256: 0x2, SHA384: 0x3, SHA512: 0x4 } as const;

/** CK_EC_KDF_TYPE: the raw shared secret (x coordinate), as KMS's DeriveSharedSecret returns it. */
export const CKD_NULL = 0x1;
/** CK_RSA_PKCS_OAEP_SOURCE_TYPE: the label is given in the parameters (empty for KMS). */
export const CKZ_DATA_SPECIFIED = 0x1;

export const CKK = {
  RSA: 0x0,
  EC: 0x3,
  GENERIC_SECRET: 0x10,
  AES: 0x1f,
  EC_EDWARDS: 0x40,
} as const;

export const CKO = { DATA: 0x0, PUBLIC_KEY: 0x2, PRIVATE_KEY: 0x3, SECRET_KEY: 0x4 } as const;

export const CKA = {
  CLASS: 0x0,
  TOKEN: 0x1,
  PRIVATE: 0x2,
  LABEL: 0x3,
  APPLICATION: 0x10,
  VALUE: 0x11,
  KEY_TYPE: 0x100,
  ID: 0x102,
  SENSITIVE: 0x103,
  ENCRYPT: 0x104,
  DECRYPT: 0x105,
  WRAP: 0x106,
  UNWRAP: 0x107,
  SIGN: 0x108,
  VERIFY: 0x10a,
  DERIVE: 0x10c,
  MODULUS: 0x120,
  MODULUS_BITS: 0x121,
  PUBLIC_EXPONENT: 0x122,
  PRIVATE_EXPONENT: 0x123,
  PRIME_1: 0x124,
  PRIME_2: 0x125,
  EXPONENT_1: 0x126,
  EXPONENT_2: 0x127,
  COEFFICIENT: 0x128,
  EXTRACTABLE: 0x162,
  VALUE_LEN: 0x161,
  EC_PARAMS: 0x180,
  EC_POINT: 0x181,
  MODIFIABLE: 0x170,
} as const;

export const CKU_USER = 1;
export const CKF_RW_SESSION = 0x2;
export const CKF_SERIAL_SESSION = 0x4;
/** C_Initialize flag: without it SoftHSM turns its internal locking off (DESIGN §10). */
export const CKF_OS_LOCKING_OK = 0x2;
