// The API reference's "Try it out" panel in a real browser: Debian's Chromium (driven by
// playwright-core) opens the built site served on loopback, types a gateway's endpoint and
// credentials into the Sign page, and sends requests signed in the page. The gateway is the
// built daemon (`qkms serve` on the SoftHSM test token, SigV4 on) allowing the site's origin.
// Signatures read from the page are checked with node:crypto against GetPublicKey.

import { createPublicKey, verify } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PAYMENT, PAYMENT_SHA256 } from '../../src/api-docs/operations/sign';
import { demoAlias } from '../../src/cli/dev-token';
import { freePort, startDaemon, type Daemon } from '../support/daemon';
import { serveSite, type StaticSite } from '../support/static-site';
import { testTokenEnv } from '../support/test-token';

const KEY = { accessKeyId: 'QKMSBROWSER00001', secretAccessKey: 'browser-secret-0123456789abcdef' };
const CREDENTIALS = `principals:\n  docs:\n    - accessKeyId: ${KEY.accessKeyId}\n      secretAccessKey: ${KEY.secretAccessKey}\n`;
const P256 = demoAlias('ECC_NIST_P256');
const MESSAGE = 'Signed from the QKMS docs page';
/** Waits for the browser and the page, never a bound on how long the gateway takes. */
const PATIENCE = { timeout: 60_000 };

let site: StaticSite;
let daemon: Daemon;
let browser: Browser;
let page: Page;
/** Everything the page sent to the gateway, to prove the secret never left in clear. */
const sent: string[] = [];

beforeAll(async () => {
  site = await serveSite();
  const port = await freePort();
  daemon = await startDaemon(
    ['serve'],
    {
      ...testTokenEnv(),
      QKMS_LISTEN_PORT: String(port),
      QKMS_AUTH_MODE: 'sigv4',
      QKMS_CREDENTIALS: CREDENTIALS,
      QKMS_HTTP_CORS_ALLOWED_ORIGINS: site.origin,
    },
    port,
  );
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking'],
  });
  page = await browser.newPage();
  page.on('request', (request) => {
    if (!request.url().startsWith(site.origin))
      sent.push(`${JSON.stringify(request.headers())} ${request.postData() ?? ''}`);
  });
  await page.goto(`${site.origin}/api/Sign`);
  // Typing before React has taken over the page could be undone by hydration.
  await page.locator('.qkms-tester[data-ready="true"]').waitFor(PATIENCE);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  await site?.close();
});

async function fillCredentials(secretAccessKey: string): Promise<void> {
  await page.getByLabel('Endpoint', { exact: true }).fill(daemon.url);
  await page.getByLabel('Region', { exact: true }).fill('us-east-1');
  await page.getByLabel('Access key id', { exact: true }).fill(KEY.accessKeyId);
  await page.getByLabel('Secret access key', { exact: true }).fill(secretAccessKey);
}

async function fillSign(keyId: string, message: string, algorithm: string): Promise<void> {
  await page.locator('#qkms-member-KeyId').fill(keyId);
  await page.locator('#qkms-member-Message').fill(message);
  await page.getByRole('radio', { name: 'UTF-8 text' }).check();
  await page.locator('#qkms-member-MessageType').selectOption('RAW');
  await page.locator('#qkms-member-SigningAlgorithm').selectOption(algorithm);
}

interface Shown {
  status: number;
  requestId: string;
  errorType: string | null;
  body: Record<string, unknown>;
}

/** Clicks "Test request" and reads the answer the page shows. */
async function testRequest(): Promise<Shown> {
  const requestId = page.getByTestId('api-tester-request-id');
  const before = (await requestId.count()) > 0 ? await requestId.textContent() : null;
  await page.getByRole('button', { name: 'Test request' }).click();
  // An answer with another request id than the one shown before (every call has its own), or
  // the panel saying there was no answer at all.
  await page.waitForFunction(
    `document.querySelector('[data-testid="api-tester-failure"]') !== null ||
     (document.querySelector('[data-testid="api-tester-request-id"]')?.textContent ?? ${JSON.stringify(before)}) !== ${JSON.stringify(before)}`,
    undefined,
    PATIENCE,
  );
  const failure = page.getByTestId('api-tester-failure');
  if ((await failure.count()) > 0) throw new Error(`no answer: ${await failure.textContent()}`);
  const errorType = page.getByTestId('api-tester-error-type');
  return {
    status: Number(await page.getByTestId('api-tester-status').textContent()),
    requestId: (await page.getByTestId('api-tester-request-id').textContent()) ?? '',
    errorType: (await errorType.count()) > 0 ? await errorType.textContent() : null,
    body: JSON.parse((await page.getByTestId('api-tester-body').textContent()) ?? '{}') as Record<
      string,
      unknown
    >,
  };
}

async function publicKeyOf(keyId: string) {
  const kms = new KMSClient({
    endpoint: daemon.url,
    region: 'us-east-1',
    credentials: KEY,
    maxAttempts: 1,
  });
  try {
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    return createPublicKey({
      key: Buffer.from(PublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    });
  } finally {
    kms.destroy();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

it('signs in the gateway from the Sign page, and the signature verifies', async () => {
  await fillCredentials(KEY.secretAccessKey);
  await fillSign(P256, MESSAGE, 'ECDSA_SHA_256');
  const shown = await testRequest();
  expect(shown.status).toBe(200);
  expect(shown.errorType).toBeNull();
  expect(shown.requestId).toMatch(UUID);
  expect(shown.body.SigningAlgorithm).toBe('ECDSA_SHA_256');
  expect(shown.body.KeyId).toMatch(/^arn:aws:kms:us-east-1:111122223333:key\//);
  const signature = Buffer.from(shown.body.Signature as string, 'base64');
  const key = await publicKeyOf(P256);
  expect(verify('sha256', Buffer.from(MESSAGE), { key, dsaEncoding: 'der' }, signature)).toBe(true);
  expect(verify('sha256', Buffer.from(`${MESSAGE}!`), { key, dsaEncoding: 'der' }, signature)).toBe(
    false,
  );
});

it('shows the KMS error, with its request id, for an algorithm the key does not take', async () => {
  await fillSign(P256, MESSAGE, 'RSASSA_PSS_SHA_256');
  const shown = await testRequest();
  expect(shown.status).toBe(400);
  expect(shown.errorType).toBe('InvalidKeyUsageException');
  expect(shown.requestId).toMatch(UUID);
  expect(shown.body).toEqual({
    __type: 'InvalidKeyUsageException',
    message:
      'Algorithm RSASSA_PSS_SHA_256 is incompatible with key spec ECC_NIST_P256. Valid algorithms: ECDSA_SHA_256.',
  });
});

it('shows the authentication error for a wrong secret key', async () => {
  await fillCredentials('not-the-secret-0123456789abcdef');
  await fillSign(P256, MESSAGE, 'ECDSA_SHA_256');
  const shown = await testRequest();
  expect(shown.status).toBe(400);
  expect(shown.errorType).toBe('InvalidSignatureException');
  expect(shown.requestId).toMatch(UUID);
  expect(shown.body.__type).toBe('InvalidSignatureException');
});

it('sends an example with "Try this example": a digest, in base64', async () => {
  await fillCredentials(KEY.secretAccessKey);
  await page.getByRole('button', { name: 'Try this example' }).nth(1).click();
  // Expressions are evaluated in the page (the root tsconfig has no DOM types).
  await page.waitForFunction(
    `document.querySelector('#qkms-member-KeyId').value === ${JSON.stringify(P256)}`,
    undefined,
    PATIENCE,
  );
  expect(await page.locator('#qkms-member-Message').inputValue()).toBe(PAYMENT_SHA256);
  expect(await page.getByRole('radio', { name: 'base64' }).isChecked()).toBe(true);
  expect(await page.locator('#qkms-member-MessageType').inputValue()).toBe('DIGEST');
  const shown = await testRequest();
  expect(shown.status).toBe(200);
  const signature = Buffer.from(shown.body.Signature as string, 'base64');
  const key = await publicKeyOf(P256);
  // The page sent SHA-256(PAYMENT) as the digest: the signature is over PAYMENT.
  expect(verify('sha256', Buffer.from(PAYMENT), { key, dsaEncoding: 'der' }, signature)).toBe(true);
});

it('keeps the secret key in the page: never stored, never sent but as a signature', async () => {
  const stored = await page.evaluate(
    '[localStorage.length, sessionStorage.length, document.cookie]',
  );
  expect(stored).toEqual([0, 0, '']);
  expect(sent.length).toBeGreaterThanOrEqual(4);
  for (const request of sent) expect(request).not.toContain(KEY.secretAccessKey);
  expect(sent.some((r) => r.includes(`Credential=${KEY.accessKeyId}/`))).toBe(true);
});
