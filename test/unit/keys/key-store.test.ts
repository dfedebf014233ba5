// KeyStore's CreateKey over the token store on an in-memory token: a creation that failed is
// undone, one whose outcome is unknown is never undone on a guess (its objects stay, and
// reconcile decides from what the store holds), and every change is journalled first.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditTrail } from '../../../src/audit/audit-trail';
import { KeyCatalog } from '../../../src/keys/key-catalog';
import { KeyStore } from '../../../src/keys/key-store';
import { NO_CONFIG_KEYS } from '../../../src/keys/store/metadata-view';
import { OutcomeUnknown } from '../../../src/keys/store/outcome-unknown';
import { TokenMetadataStore } from '../../../src/keys/store/token/token-store';
import { SCOPE } from '../../support/key-records';
import { memoryToken, type MemoryToken } from '../../support/memory-token';

let dir: string;
let mem: MemoryToken;
let metadata: TokenMetadataStore;
let store: KeyStore;
const CALLER = { requestId: 'r', principal: 'p', source: null };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qkms-keystore-'));
  mem = memoryToken();
  metadata = new TokenMetadataStore({
    token: mem.token,
    description: { label: 't', manufacturer: 'm', model: 'x', serial: '1', mechanisms: [] },
    config: NO_CONFIG_KEYS,
    scope: SCOPE,
    lockDir: dir,
    lockTimeoutMs: 5000,
    readOnly: false,
    now: () => 100,
    warn: () => undefined,
  });
  await metadata.open();
  const catalog = new KeyCatalog(metadata, NO_CONFIG_KEYS, mem.token, SCOPE);
  store = new KeyStore(mem.token, metadata, catalog, AuditTrail.inMemory(), false, () => 100);
});
afterEach(async () => {
  await metadata.close();
  rmSync(dir, { recursive: true, force: true });
});

const newKey = () => store.createKey({ keySpec: 'HMAC_256', description: '', tags: [] }, CALLER);

it('creates a key: objects, record, no intent left', async () => {
  const entry = await newKey();
  expect(mem.keys.has(entry.record.keyId.replace(/-/g, ''))).toBe(true);
  expect([...mem.data.values()].filter((o) => o.label.startsWith('qkms-intent/'))).toEqual([]);
});

it('destroys the objects of a creation that was not recorded', async () => {
  const original = mem.token.createData;
  let n = 0;
  mem.token.createData = async (...args) => {
    n++;
    // Let the intent (1) and the "writing" generation (2) through; fail the key record (3).
    if (n === 3) throw new Error('CKR_DEVICE_MEMORY: full');
    return original(...args);
  };
  await expect(newKey()).rejects.toThrow('CKR_DEVICE_MEMORY');
  expect(mem.keys.size).toBe(0);
});

it('keeps the objects when whether the key was recorded is unknown, and reconcile settles it', async () => {
  const original = mem.token.createData;
  let n = 0;
  mem.token.createData = async (...args) => {
    const handle = await original(...args);
    // The key record lands (3), but its answer is lost and the token cannot be read back.
    if (++n === 3) {
      mem.failNext('scanData', 'CKR_DEVICE_ERROR');
      throw new Error('CKR_DEVICE_ERROR: answer lost');
    }
    return handle;
  };
  const err = await newKey().catch((e: unknown) => e);
  mem.token.createData = original;
  expect(err).toBeInstanceOf(OutcomeUnknown);
  expect(mem.keys.size).toBe(1);
  // The record is there: reconcile removes only the intent, and the key is served.
  expect(await store.reconcile()).toEqual([]);
  await metadata.refresh();
  expect(metadata.state().keys.size).toBe(1);
  expect(mem.keys.size).toBe(1);
  expect([...mem.data.values()].filter((o) => o.label.startsWith('qkms-intent/'))).toEqual([]);
});
