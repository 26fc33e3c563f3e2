import { describe, expect, it } from 'vitest';
import { parseInviteFile } from '../../src/admin/invite-file.js';

describe('parseInviteFile', () => {
  it('reads one address per line, or an address followed by keywords, skipping blanks and comments', () => {
    const { invitations, bad } = parseInviteFile('# lab\n\nada@lab.example.org\r\nbob@lab.example.org, retrieval , "graph neural networks"\n');
    expect(bad).toEqual([]);
    expect(invitations.map((i) => [i.line, i.input.email, i.input.keywords])).toEqual([
      [3, 'ada@lab.example.org', []],
      [4, 'bob@lab.example.org', ['retrieval', 'graph neural networks']],
    ]);
    expect(invitations[0].input).toMatchObject({ frequency: 'daily', categories: [] });
    // No timezone or hour in the file: the sign-up takes the lab's (DEFAULT_TIMEZONE, DEFAULT_HOUR).
    expect([invitations[0].input.timezone, invitations[0].input.hour]).toEqual([undefined, undefined]);
  });

  it('reads named columns after a header line and checks each line like the sign-up form', () => {
    const text = 'Email,Timezone,Hour,Categories\nada@lab.example.org,Europe/Paris,7,cs.CV;cs.LG\nbob@lab.example.org,Mars/Olympus,7,\ncarol@lab.example.org,UTC,25,\n';
    const { invitations, bad } = parseInviteFile(text);
    expect(invitations.map((i) => i.input)).toEqual([expect.objectContaining({ email: 'ada@lab.example.org', timezone: 'Europe/Paris', hour: 7, categories: ['cs.CV', 'cs.LG'] })]);
    expect(bad).toEqual([
      { line: 3, reason: 'timezone: is not a known IANA timezone such as Europe/Paris' },
      { line: 4, reason: 'hour: must be 0–23' },
    ]);
  });

  it('takes only the first line as a header; later "email" lines are bad addresses', () => {
    const { invitations, bad } = parseInviteFile('ada@lab.example.org\nemail,keywords\n');
    expect(invitations).toHaveLength(1);
    expect(bad).toEqual([{ line: 2, reason: 'email: has no @: an address looks like name@lab.example.org' }]);
  });

  it('reads addresses as mailing-list exports write them, with a display name (issue 22, item 6)', () => {
    const text = [
      'Ada Lovelace <ada@lab.example.org>',
      '"Lovelace, Grace" <grace@lab.example.org>',
      'bob@lab.example.org (Bob the Builder)',
      'Carol Danvers <carol@lab.example.org>, diffusion, robotics',
      'Dan <dan@lab>',
    ].join('\n');
    const { invitations, bad } = parseInviteFile(text);
    expect(invitations.map((i) => [i.line, i.input.email, i.input.keywords])).toEqual([
      [1, 'ada@lab.example.org', []], [2, 'grace@lab.example.org', []], [3, 'bob@lab.example.org', []], [4, 'carol@lab.example.org', ['diffusion', 'robotics']],
    ]);
    // What is wrong with an address is said in words (issue 22, item 20).
    expect(bad).toEqual([{ line: 5, reason: 'email: has no domain ending: "lab" should be a full domain such as lab.example.org' }]);
  });

  it('reads long hostile lines in one pass (a line of 20,000 spaces before a "<" once held the command for minutes)', () => {
    const long = ' '.repeat(20_000);
    const lines = [`${long}<`, `${long}x`, `"${long}"${long}`, `a${long}@b${long}(c`, `${'a@'.repeat(10_000)}b (c)`, `<${'a@'.repeat(10_000)}>`,
      `x,${long}<${'a@'.repeat(5_000)}>`, `x,${'a@'.repeat(10_000)} (c)`, `Ada${long}<ada@lab.example.org>`, `grace@lab.example.org${long}(Grace)`];
    const { invitations, bad } = parseInviteFile(lines.join('\n'));
    // Only the last two are addresses (with a very long display name); every other line is a bad line, said in words.
    expect(invitations.map((i) => [i.line, i.input.email])).toEqual([[9, 'ada@lab.example.org'], [10, 'grace@lab.example.org']]);
    expect(bad.map((b) => b.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
