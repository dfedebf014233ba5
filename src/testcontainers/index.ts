// `qkms/testcontainers`: QKMS in an application's tests, started and thrown away by the test
// run. Usage and the image it needs: docs/testing-with-qkms.md.
//
//   const kms = await new QkmsContainer().withKey({ alias: 'alias/app', spec: 'ECC_NIST_P256' }).start();
//   const client = kms.client(); // a KMSClient for kms.endpoint, kms.region, kms.credentials
//   …
//   await kms.stop();

export { QkmsContainer, type QkmsAuthMode, type QkmsKey, type QkmsKeySpec } from './qkms-container';
export { StartedQkmsContainer } from './started-qkms-container';
export type { QkmsCredentials } from './dev-credentials-file';
export {
  DEFAULT_QKMS_IMAGE,
  QKMS_IMAGE_ENV,
  QkmsImageMissingError,
  defaultQkmsImage,
  qkmsImageBuildCommand,
} from './image';
export { QKMS_API_PORT, QKMS_DATA_DIR, QKMS_OPERATIONS_PORT } from './layout';
