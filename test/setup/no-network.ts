// Tests never use the network: in every test process a connection to anything but loopback fails at once,
// naming the host, and PAPERBOY_SOURCES is "none" unless a test sets it (vitest.config.ts), so code that
// fetches the real sources by default cannot reach out. Child processes get PAPERBOY_SOURCES=none too.
import net from 'node:net';

const LOOPBACK = /^(localhost|127(\.\d+){3}|::1|::ffff:127(\.\d+){3}|\[::1\])$/i;

/** The host a Socket#connect call aims at, or null for a local (unix socket) path. */
function target(args: unknown[]): string | null {
  const [first, second] = args;
  const opts = (Array.isArray(first) ? first[0] : first) as { host?: string; path?: string } | string | number;
  if (typeof opts === 'object' && opts !== null) return opts.path ? null : opts.host ?? 'localhost';
  if (typeof opts === 'string' && !/^\d+$/.test(opts)) return null;
  return typeof second === 'string' ? second : 'localhost';
}

const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
net.Socket.prototype.connect = function guarded(this: net.Socket, ...args: unknown[]) {
  const host = target(args);
  if (host !== null && !LOOPBACK.test(host)) throw new Error(`a test tried to reach ${host}: tests never use the network`);
  return connect.apply(this, args);
} as typeof net.Socket.prototype.connect;
