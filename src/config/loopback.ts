import { isIP } from 'node:net';

/**
 * Loopback names and addresses: what playground mode (inbound authentication off, a dev identity) may
 * listen on and talk to, so the demo can never be reached from, or reach, anything but this machine.
 *
 * Exact forms only: `localhost` (not `localhost.` nor `LOCALHOST.example`: a trailing dot makes a
 * fully-qualified name that resolvers and TLS treat as another host), 127.0.0.0/8 (RFC 1122 3.2.1.3: the
 * whole block is loopback) and ::1, also as an IPv4-mapped ::ffff:127.x.y.z. No DNS lookups: a name is
 * judged by what it says, not by what a resolver answers today.
 */
export function isLoopbackHost(host: string): boolean {
  // URL.hostname keeps IPv6 literals in brackets; HOST is written without them.
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  switch (isIP(h)) {
    case 4:
      return h.startsWith('127.');
    case 6:
      // WHATWG URL writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
      return (
        h === '::1' ||
        h === '0:0:0:0:0:0:0:1' ||
        /^::ffff:127\.\d+\.\d+\.\d+$/.test(h) ||
        /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h)
      );
    default:
      return false;
  }
}

/** Whether `url` parses and names a loopback host (see isLoopbackHost). */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
