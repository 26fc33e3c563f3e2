// Postfix's smtp-sink on loopback: accepts and discards mail as fast as a real MTA's front door.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** A running smtp-sink. */
export interface Sink {
  url: string;
  stop(): void;
}

const freePort = () => new Promise<number>((ok, fail) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => ok(port));
  }).on('error', fail);
});

const waitForPort = async (port: number, child: ChildProcess) => {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`smtp-sink exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((ok) => {
      const c = createConnection(port);
      c.on('connect', () => { c.destroy(); ok(true); }).on('error', () => ok(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('smtp-sink did not start listening');
};


/** Starts `smtp-sink 127.0.0.1:PORT 1000` (as nobody when we are root); fails when Postfix is not installed. */
export async function startSink(): Promise<Sink> {
  const which = spawnSync('sh', ['-c', 'command -v smtp-sink || ls /usr/sbin/smtp-sink'], { encoding: 'utf8' });
  const bin = which.stdout.trim().split('\n')[0];
  if (!bin) throw new Error('smtp-sink not found: install Debian package postfix');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child = spawn(bin, [...asRoot, `127.0.0.1:${port}`, '1000'], { stdio: 'ignore' });
  await waitForPort(port, child);
  return { url: `smtp://127.0.0.1:${port}`, stop: () => { child.kill('SIGTERM'); } };
}
