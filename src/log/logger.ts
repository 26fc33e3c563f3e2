// The process's log. A service manager (systemd, Docker) gets one JSON object a line, which journald and log shippers
// read; a person at a terminal (`./paperboy serve` by hand) gets one readable line an event, its time in the local
// clock, through pino-pretty in this thread (no transport thread: the lines come out in order, before an exit).
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { logSerializers } from './redact.js';

/** Where and how the log is written; by default standard output, pretty when it is a terminal. */
export interface LogOptions {
  /** Pretty lines (default: whether standard output is a terminal). */
  pretty?: boolean;
  /** Written here instead of standard output (tests). */
  stream?: NodeJS.WritableStream;
}

/** The logger of `serve` and the commands, at `level`; addresses and tokens in replies and errors are masked (redact.ts). */
export function createLogger(level: string, opts: LogOptions = {}): Logger {
  const readable = opts.pretty ?? process.stdout.isTTY === true;
  if (!readable) return opts.stream ? pino({ level, serializers: logSerializers }, opts.stream) : pino({ level, serializers: logSerializers });
  const out = pretty({
    singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true,
    colorize: opts.stream === undefined, destination: opts.stream ?? 1,
  });
  return pino({ level, serializers: logSerializers }, out);
}
