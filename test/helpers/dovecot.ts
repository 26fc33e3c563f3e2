// A real IMAP server for the bounce mailbox tests: Debian's Dovecot (dovecot-imapd, installed by .ci/run) started on
// a free loopback port with a throwaway configuration, mail store and passwd-file in a temp dir. As root (CI), mail
// is stored as `nobody` and the login processes run as Dovecot's own users; as anyone else, everything runs as that
// user. A Dovecot that cannot start fails the test with its log, never a skip.
import { ImapFlow } from 'imapflow';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const DOVECOT = '/usr/sbin/dovecot';

/** A running Dovecot with one mailbox user. */
export interface TestImap {
  port: number;
  user: string;
  password: string;
  /** imap://user:password@127.0.0.1:port/INBOX, as BOUNCE_IMAP_URL takes it; another password for a refused login. */
  url(password?: string): string;
  /** Puts raw mails into a folder (APPEND through imapflow); returns nothing until the server stored them. */
  append(folder: string, ...mails: string[]): Promise<void>;
  /** The Message-IDs of the mails in a folder (empty when the folder does not exist). */
  messageIds(folder: string): Promise<string[]>;
  /** Stops the server (the mail store is kept). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and removes everything. */
  close(): Promise<void>;
}

/** A free loopback port (another process may take it before Dovecot does: start() then retries with a new one). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/** uid, gid of a user in /etc/passwd. */
function account(name: string): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/** The name of a group id in /etc/group. */
function groupName(gid: number): string {
  const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[2] === String(gid));
  return line ? line.split(':')[0] : String(gid);
}

/** Who runs what: as root, Dovecot's own users and `nobody` for the mail; otherwise the current user for all. */
function users(): { login: string; internal: string; internalGroup: string; mail: { uid: number; gid: number } } {
  const me = userInfo();
  if (me.uid !== 0) return { login: me.username, internal: me.username, internalGroup: groupName(me.gid), mail: { uid: me.uid, gid: me.gid } };
  const missing = ['dovecot', 'dovenull', 'nobody'].filter((u) => !account(u));
  if (missing.length) throw new Error(`Dovecot's users ${missing.join(', ')} are missing: reinstall dovecot-imapd (apt-get install dovecot-imapd)`);
  return { login: 'dovenull', internal: 'dovecot', internalGroup: 'dovecot', mail: account('nobody')! };
}

function config(dir: string, port: number, u: ReturnType<typeof users>): string {
  return `# Throwaway Dovecot for one test file.
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# A refused login answers at once (Dovecot waits 2 s by default).
auth_failure_delay = 0
default_login_user = ${u.login}
default_internal_user = ${u.internal}
default_internal_group = ${u.internalGroup}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
`;
}

/** Waits for the `* OK` greeting on the port; rejects when the process ends first or after `ms`. */
async function greeting(port: number, child: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  let exited = false;
  child.once('exit', () => { exited = true; });
  for (;;) {
    if (exited) throw new Error('dovecot exited during start-up');
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.setTimeout(1000, () => { s.destroy(); resolve(false); });
      s.once('error', () => resolve(false));
      s.once('data', (d) => { s.destroy(); resolve(d.toString().startsWith('* OK')); });
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`no IMAP greeting on 127.0.0.1:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts Dovecot for a test file; fails with the reason (and Dovecot's log) when it cannot. */
export async function startDovecot(): Promise<TestImap> {
  if (!existsSync(DOVECOT)) throw new Error(`${DOVECOT} not found: the bounce mailbox tests need Debian's dovecot-imapd (.ci/run installs it)`);
  const u = users();
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-imap-'));
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'home']) mkdirSync(join(dir, sub), { mode: 0o755 });
  chownSync(join(dir, 'home'), u.mail.uid, u.mail.gid);
  const user = 'bounces';
  const password = 'imap-test-password-1';
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${password}:${u.mail.uid}:${u.mail.gid}::${dir}/home\n`, { mode: 0o644 });
  let port = 0;
  let child: ChildProcess | null = null;
  let output = '';

  const launch = async (fixedPort: boolean) => {
    for (let attempt = 1; ; attempt++) {
      if (!fixedPort) port = await freePort();
      writeFileSync(join(dir, 'dovecot.conf'), config(dir, port, u));
      output = '';
      const c = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
      c.stdout!.on('data', (d) => { output += d; });
      c.stderr!.on('data', (d) => { output += d; });
      child = c;
      try {
        await greeting(port, c, 15_000);
        return;
      } catch (err) {
        await stopChild();
        const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '';
        // Another process took the port between freePort() and the bind: try another one.
        if (!fixedPort && attempt < 3 && /in use/i.test(log + output)) continue;
        throw new Error(`Dovecot did not start (${(err as Error).message}).\n${output}\n${log.split('\n').slice(-20).join('\n')}`);
      }
    }
  };

  const stopChild = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((ok) => c.once('exit', () => ok()));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const client = async () => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false, disableAutoIdle: true });
    c.on('error', () => {});
    await c.connect();
    return c;
  };

  await launch(false);
  return {
    port, user, password,
    url: (pass = password) => `imap://${user}:${encodeURIComponent(pass)}@127.0.0.1:${port}/INBOX`,
    async append(folder, ...mails) {
      const c = await client();
      try {
        if (folder !== 'INBOX') await c.mailboxCreate(folder);
        for (const m of mails) await c.append(folder, m.replace(/\r?\n/g, '\r\n'));
      } finally {
        await c.logout();
      }
    },
    async messageIds(folder) {
      const c = await client();
      try {
        if (!(await c.list()).some((b) => b.path === folder)) return [];
        const lock = await c.getMailboxLock(folder);
        try {
          if (!c.mailbox || c.mailbox.exists === 0) return [];
          const all = await c.fetchAll('1:*', { envelope: true });
          return all.map((m) => m.envelope?.messageId ?? '');
        } finally {
          lock.release();
        }
      } finally {
        await c.logout();
      }
    },
    stop: stopChild,
    start: () => launch(true),
    async close() {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
