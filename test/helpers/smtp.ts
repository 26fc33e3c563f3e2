import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** How the scripted server answers: accept (250), a reply code and text, close the connection, or never answer. */
export type Reply = 'accept' | 'drop' | 'stall' | { code: number; text: string };

/** Decides the answer to the n-th (0-based) RCPT TO or end of DATA. */
export interface SmtpScript {
  rcpt?: (n: number, address: string) => Reply;
  data?: (n: number, raw: Buffer) => Reply;
}

/** A real SMTP server on loopback that keeps every message it accepts, parsed. */
export interface TestSmtp {
  url: string;
  messages: ParsedMail[];
  /** Raw bytes of each accepted message, in order. */
  raw: Buffer[];
  /** The envelope sender (MAIL FROM) of each accepted message, in the same order. */
  mailFrom: string[];
  /** Raw bytes of every message whose DATA arrived, whatever the answer (what a mailbox may have got). */
  received: Buffer[];
  /** Resolves when at least `n` messages have arrived (rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/** Options of startSmtp. */
export interface SmtpOptions {
  script?: SmtpScript;
  /** Skip parsing (for load tests): `messages` stays empty, `raw` fills. */
  parse?: boolean;
}

const answer = (reply: Reply, done: (err?: Error | null) => void, socket: () => Socket | undefined) => {
  if (reply === 'accept') return done();
  if (reply === 'stall') return;
  if (reply === 'drop') return void socket()?.destroy();
  done(Object.assign(new Error(reply.text), { responseCode: reply.code }));
};

/** Starts an SMTP server on 127.0.0.1 with a free port; a script makes it defer, refuse, drop or stall. */
export async function startSmtp(opts: SmtpOptions = {}): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const raw: Buffer[] = [];
  const mailFrom: string[] = [];
  const received: Buffer[] = [];
  const sockets = new Map<number, Socket>();
  let rcpts = 0;
  const socketOf = (s: SMTPServerSession) => () => sockets.get(s.remotePort);
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false, size: 10 * 1024 * 1024,
    onRcptTo(address, session, done) {
      answer(opts.script?.rcpt?.(rcpts++, address.address) ?? 'accept', done, socketOf(session));
    },
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const buf = Buffer.concat(chunks);
        const reply = opts.script?.data?.(received.length, buf) ?? 'accept';
        received.push(buf);
        if (reply !== 'accept') return answer(reply, done, socketOf(session));
        raw.push(buf);
        mailFrom.push(session.envelope.mailFrom ? session.envelope.mailFrom.address : '');
        if (opts.parse === false) return done();
        simpleParser(buf).then((m) => { messages.push(m); done(); }, done);
      });
    },
  });
  // A client killed mid-session resets its connection: expected here, not a test failure.
  server.on('error', () => {});
  server.server.on('connection', (s: Socket) => {
    const port = s.remotePort!;
    sockets.set(port, s);
    s.on('close', () => sockets.delete(port));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`, messages, raw, mailFrom, received,
    async waitFor(n, ms = 10_000) {
      const until = Date.now() + ms;
      while (messages.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} messages, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return messages;
    },
    close: () => {
      for (const s of sockets.values()) s.destroy();
      return new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
