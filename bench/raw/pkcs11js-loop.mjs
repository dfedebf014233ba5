// The raw token as Node sees it: pkcs11js in one process, one session per core, each running
// C_SignInit (synchronous in pkcs11js) then the async C_Sign in a loop for a fixed time, as
// src/pkcs11/token-host.ts does, with no HTTP and no message passing. The gap to the native
// loop is what the binding costs.
// argv: module, token label, key label, mechanism name (as p11loop), input hex, seconds, sessions.
// The user PIN comes from BENCH_PIN. Prints one JSON object.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkcs11js = require('pkcs11js');

const [modulePath, tokenLabel, keyLabel, mechName, inputHex, secondsArg, sessionsArg] =
  process.argv.slice(2);
const seconds = Number(secondsArg);
const sessions = Number(sessionsArg);
const input = Buffer.from(inputHex, 'hex');

const CKF_OS_LOCKING_OK = 2;
const CKM_EDDSA = 0x1057; // PKCS#11 3.0; pkcs11js is a 2.40 binding
const PSS = {
  'rsa-pss-sha256': [pkcs11js.CKM_SHA256, pkcs11js.CKG_MGF1_SHA256, 32],
  'rsa-pss-sha384': [pkcs11js.CKM_SHA384, pkcs11js.CKG_MGF1_SHA384, 48],
  'rsa-pss-sha512': [pkcs11js.CKM_SHA512, pkcs11js.CKG_MGF1_SHA512, 64],
};

function mechanism(name) {
  if (name === 'rsa-pkcs') return { mechanism: pkcs11js.CKM_RSA_PKCS };
  if (name === 'ecdsa') return { mechanism: pkcs11js.CKM_ECDSA };
  if (name === 'eddsa') return { mechanism: CKM_EDDSA };
  const pss = PSS[name];
  if (!pss) throw new Error(`unknown mechanism ${name}`);
  return {
    mechanism: pkcs11js.CKM_RSA_PKCS_PSS,
    parameter: { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: pss[0], mgf: pss[1], saltLen: pss[2] },
  };
}

const p11 = new pkcs11js.PKCS11();
p11.load(modulePath);
p11.C_Initialize({ flags: CKF_OS_LOCKING_OK });
const slot = p11
  .C_GetSlotList(true)
  .find((s) => p11.C_GetTokenInfo(s).label.trim() === tokenLabel);
if (!slot) throw new Error(`no token ${tokenLabel}`);
const flags = pkcs11js.CKF_SERIAL_SESSION;
const handles = Array.from({ length: sessions }, () => p11.C_OpenSession(slot, flags));
p11.C_Login(handles[0], pkcs11js.CKU_USER, process.env.BENCH_PIN ?? '');
p11.C_FindObjectsInit(handles[0], [
  { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
  { type: pkcs11js.CKA_LABEL, value: keyLabel },
]);
const [key] = p11.C_FindObjects(handles[0], 1);
p11.C_FindObjectsFinal(handles[0]);
if (!key) throw new Error(`no private key ${keyLabel}`);
const mech = mechanism(mechName);

let count = 0;
let signatureBytes = 0;
const latencies = [];
const started = process.hrtime.bigint();
const deadline = started + BigInt(Math.round(seconds * 1e9));

async function loop(session) {
  const output = Buffer.alloc(1024);
  while (process.hrtime.bigint() < deadline) {
    const t0 = process.hrtime.bigint();
    p11.C_SignInit(session, mech, key);
    // `input` and `output` stay referenced here until the promise settles (DESIGN §10).
    const signature = await p11.C_SignAsync(session, input, output);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1000);
    signatureBytes = signature.length;
    count++;
  }
}

await Promise.all(handles.map(loop));
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
process.stdout.write(
  `${JSON.stringify({
    sessions,
    seconds: elapsed,
    signatures: count,
    perSecond: count / elapsed,
    p50LatencyUs: at(0.5),
    p99LatencyUs: at(0.99),
    signatureBytes,
  })}\n`,
);
for (const s of handles) p11.C_CloseSession(s);
p11.C_Finalize();
