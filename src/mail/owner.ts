// Who holds a lease: a worker id that says which host and process, so a restart can tell a dead holder.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Worker ids of runs going on in this process right now. */
const live = new Set<string>();

/** A new worker id, `host:pid:random`, live until `endOwner` is called. */
export function newOwnerId(): string {
  const id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  live.add(id);
  return id;
}

/** Marks a worker id as finished. */
export function endOwner(id: string): void {
  live.delete(id);
}

/**
 * True when `owner` was a process on this host that no longer runs, or an earlier run under this very
 * pid that is over (as in a container restarted as pid 1). Holders on other hosts are left to their lease expiry.
 */
export function isDeadOwner(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return !live.has(owner);
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
