// Shutting a listener down without cutting anyone off. Node's closeIdleConnections() also closes
// connections that were accepted but have not sent their request yet, and those clients see a
// reset. Here a connection is closed only once it is idle after having been served (or has sent
// nothing for a grace period), and every answer given while draining says `Connection: close`,
// so clients stop reusing their connections instead of racing the close.

import type { Server, ServerResponse } from 'node:http';
import { Server as TlsServer } from 'node:https';
import type { Socket } from 'node:net';

interface ConnectionState {
  /** Responses not yet finished on this connection. */
  readonly active: Set<ServerResponse>;
  served: boolean;
  readonly since: number;
}

/** How long an accepted connection may stay silent while draining before it is closed. */
const FIRST_REQUEST_GRACE_MS = 1000;
const SWEEP_MS = 50;

export function trackConnections(server: Server) {
  const connections = new Map<Socket, ConnectionState>();
  let draining = false;
  // Behind TLS the request's socket is the TLS socket, announced by secureConnection.
  const accepted = server instanceof TlsServer ? 'secureConnection' : 'connection';
  server.on(accepted, (socket: Socket) => {
    connections.set(socket, { active: new Set(), served: false, since: Date.now() });
    socket.once('close', () => connections.delete(socket));
  });
  server.prependListener('request', (req, res) => {
    const state = connections.get(req.socket);
    if (draining) res.setHeader('Connection', 'close');
    if (!state) return;
    state.active.add(res);
    state.served = true;
    res.once('close', () => state.active.delete(res));
  });

  const closeIdle = () => {
    const now = Date.now();
    for (const [socket, state] of connections) {
      if (state.active.size > 0) continue;
      if (state.served || now - state.since >= FIRST_REQUEST_GRACE_MS) socket.destroy();
    }
  };

  return {
    /**
     * Stops accepting, lets every accepted connection get its answers, then resolves; after
     * `limitMs` whatever is left is cut.
     */
    drain(limitMs: number): Promise<void> {
      draining = true;
      // Answers already being prepared say it too, if their headers have not gone out yet.
      for (const state of connections.values()) {
        for (const res of state.active) if (!res.headersSent) res.setHeader('Connection', 'close');
      }
      return new Promise((resolve) => {
        const sweep = setInterval(closeIdle, SWEEP_MS);
        const cut = setTimeout(() => server.closeAllConnections(), limitMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(cut);
          resolve();
        });
        closeIdle();
      });
    },
  };
}
