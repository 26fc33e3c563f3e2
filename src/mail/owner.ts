// Who holds a lease: a worker id that says which host and process, so a restart can tell a dead holder.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A new worker id, `host:pid:random`, unique to this process's run. */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * True when `owner` was a process on this host that no longer runs (or an earlier run under this
 * very pid, as in a container restarted as pid 1). Holders on other hosts are left to their lease expiry.
 */
export function isDeadOwner(owner: string, self: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || owner === self) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
