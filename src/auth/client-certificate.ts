// auth.mode mtls: the TLS layer has already verified the client certificate against
// tls.clientCaFile; its subject CN names the principal.

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { KmsError } from '../errors/kms-error';
import type { Authenticated } from './sigv4-verifier';

export function clientCertificatePrincipal(req: IncomingMessage): Authenticated {
  const socket = req.socket as TLSSocket;
  const cert =
    typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
  const cn = cert?.subject?.CN;
  const name = Array.isArray(cn) ? cn[0] : cn;
  if (!socket.authorized || !name || !cert) {
    throw new KmsError(
      'UnrecognizedClientException',
      'A client certificate signed by the configured CA is required.',
    );
  }
  return { principal: name, accessKeyId: `cert:${cert.serialNumber}` };
}
