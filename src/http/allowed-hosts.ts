// http.allowedHosts: which Host header values the API answers. Entries and headers are read the
// same way: a host name (compared without case and without one trailing dot), an IPv4 address,
// or a bracketed IPv6 address, with an optional port 1–65535. A Host header without a port is
// addressed to the listener's default port (443 with TLS, 80 without), as clients leave it out.

interface HostPort {
  readonly name: string;
  readonly port: number | null;
}

const HOST_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?\.?)(?::(\d{1,5}))?$/;

/** The host and port named by an entry or a Host header, or null if it is neither. */
export function parseHostPort(text: string): HostPort | null {
  const m = HOST_PORT.exec(text.trim().toLowerCase());
  if (!m) return null;
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  const name = (m[1] as string).replace(/\.$/, '');
  return { name, port };
}

/** A problem with one http.allowedHosts entry, for the configuration error. */
export function allowedHostProblem(entry: string): string | null {
  if (parseHostPort(entry) !== null) return null;
  return `http.allowedHosts entry ${JSON.stringify(entry)} is not a host name, IPv4 address or [IPv6] address with an optional :port (no scheme, path or wildcard)`;
}

/** Whether a Host header names one of `entries` (a bare entry matches at any port). */
export function hostMatcher(
  entries: readonly string[],
  defaultPort: number,
): (host: string | undefined) => boolean {
  const allowed = entries.map(parseHostPort).filter((e): e is HostPort => e !== null);
  return (host) => {
    const asked = host === undefined ? null : parseHostPort(host);
    if (asked === null) return false;
    const port = asked.port ?? defaultPort;
    return allowed.some((e) => e.name === asked.name && (e.port === null || e.port === port));
  };
}
