// A stand-in for Mailpit in scripts/check-image.sh, where no image registry is reachable: it takes every mail
// on SMTP port 1025 and lists what it took on HTTP port 8025, answering the part of Mailpit's API the check
// reads (GET /api/v1/messages, GET /api/v1/message/<ID>/raw, GET /readyz). Plain Node, no packages.
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';

const messages = [];

/** The value of a header in a raw message, unfolded, or '' when it has none. */
function header(raw, name) {
  const head = raw.split('\r\n\r\n', 1)[0].replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}

/** Keeps one mail as the SMTP transaction gave it: envelope sender, recipients and the data, dots unstuffed. */
function keep(from, to, data) {
  const raw = data.replace(/^\.\./gm, '.');
  const id = String(messages.length + 1);
  messages.push({ ID: id, Created: new Date().toISOString(), From: { Address: from }, To: to.map((a) => ({ Address: a })),
    Subject: header(raw, 'Subject'), Raw: raw });
  console.log(`mail ${id} from <${from}> to ${to.map((a) => `<${a}>`).join(', ')}: ${header(raw, 'Subject')}`);
}

/** One SMTP session: the commands nodemailer sends to a server that offers no extension but 8BITMIME and SMTPUTF8. */
function session(socket) {
  socket.setEncoding('latin1');
  let buffer = '';
  let from = '';
  let to = [];
  let inData = false;
  const say = (line) => socket.write(`${line}\r\n`);
  say('220 mail-catcher ESMTP');
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (;;) {
      if (inData) {
        const end = `\r\n${buffer}`.indexOf('\r\n.\r\n');
        if (end < 0) return;
        keep(from, to, buffer.slice(0, Math.max(0, end - 2)));
        buffer = buffer.slice(end + 3);
        inData = false;
        say('250 2.0.0 kept');
        continue;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      const line = buffer.slice(0, eol);
      buffer = buffer.slice(eol + 2);
      const verb = line.slice(0, 4).toUpperCase();
      const address = (line.match(/<([^>]*)>/) ?? [])[1] ?? '';
      if (verb === 'EHLO') say('250-mail-catcher\r\n250-8BITMIME\r\n250 SMTPUTF8');
      else if (verb === 'HELO') say('250 mail-catcher');
      else if (verb === 'MAIL') { from = address; to = []; say('250 2.1.0 ok'); }
      else if (verb === 'RCPT') { to.push(address); say('250 2.1.5 ok'); }
      else if (verb === 'DATA') { inData = true; say('354 end with <CRLF>.<CRLF>'); }
      else if (verb === 'RSET') { from = ''; to = []; say('250 2.0.0 ok'); }
      else if (verb === 'NOOP') say('250 2.0.0 ok');
      else if (verb === 'QUIT') { say('221 2.0.0 bye'); socket.end(); return; }
      else say('502 5.5.1 not implemented');
    }
  });
  socket.on('error', () => socket.destroy());
}

/** The HTTP side: Mailpit's message list (newest first, without the raw text), one message's raw text, readiness. */
function api(req, res) {
  const raw = req.url?.match(/^\/api\/v1\/message\/([^/]+)\/raw$/);
  if (req.url === '/readyz' || req.url === '/livez') return res.end('ok');
  if (req.url === '/api/v1/messages') {
    res.setHeader('content-type', 'application/json');
    const list = messages.map(({ Raw, ...m }) => m).reverse();
    return res.end(JSON.stringify({ total: messages.length, messages: list }));
  }
  const message = raw && messages.find((m) => m.ID === raw[1]);
  if (message) return res.end(message.Raw);
  res.statusCode = 404;
  res.end('not found');
}

createServer(session).listen(1025, () => console.log('mail-catcher: SMTP on 1025'));
createHttpServer(api).listen(8025, () => console.log('mail-catcher: HTTP on 8025'));
// As PID 1 in a container, Node would ignore SIGTERM and make every stop wait for SIGKILL.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
