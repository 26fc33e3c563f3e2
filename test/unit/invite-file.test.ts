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
    expect(invitations[0].input).toMatchObject({ timezone: 'UTC', hour: 8, frequency: 'daily', categories: [] });
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
    expect(bad).toEqual([{ line: 2, reason: 'email: is not a valid email address' }]);
  });
});
