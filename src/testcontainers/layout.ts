// Where things are inside the QKMS dev image (deploy/Dockerfile, target dev): its two
// listeners and the data directory `qkms dev` keeps the token and the dev credentials in.

/** The KMS API (AWS JSON 1.1 over HTTP). */
export const QKMS_API_PORT = 8080;
/** The operations listener: /healthz, /readyz, /metrics. */
export const QKMS_OPERATIONS_PORT = 9464;
/** The SoftHSM token, its PINs and the dev credentials files. */
export const QKMS_DATA_DIR = '/var/lib/qkms';
/** The image's unprivileged user, who must own the data directory. */
export const QKMS_USER_ID = 10001;
