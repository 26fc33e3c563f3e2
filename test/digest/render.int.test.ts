import { describe, expect, it } from 'vitest';
import { composeDigest } from '../../src/digest/compose.js';
import { renderMjmlDirect } from '../../src/digest/render.js';
import type { DigestModel } from '../../src/digest/compose.js';
import { loadMailTemplate, readTemplate } from '../../src/templates.js';
import { ranked, sampleModel, samplePapers } from '../helpers/digest.js';

const template = await loadMailTemplate<DigestModel>('digest');

describe('digest rendering', () => {
  it('the compiled fill gives byte-for-byte the HTML of running mjml on the filled template', async () => {
    const papers = samplePapers();
    papers[1] = { ...papers[1], title: 'Quotes "like this" & <b>tags</b> aren\'t markup', authors: ['O\'Brien & Co <x@y>'] };
    papers[2] = { ...papers[2], thumbnail: null, codeUrl: null, upvotes: null };
    const model = sampleModel(papers);
    const fast = template(model).html;
    expect(fast).toBe(await renderMjmlDirect(readTemplate('digest.mjml'), model));
    expect(fast).toContain('Quotes &quot;like this&quot; &amp; &lt;b&gt;tags&lt;/b&gt;');
    expect(fast).not.toContain('<b>tags</b>');
  });

  it('a quiet-day note renders its note the same way through the fill and through mjml', async () => {
    for (const papers of [[], samplePapers().slice(0, 1)]) {
      const model = { ...sampleModel(papers), note: 'A quiet day & <nothing> more' };
      const fast = template(model).html;
      expect(fast).toBe(await renderMjmlDirect(readTemplate('digest.mjml'), model));
      expect(fast).toContain('A quiet day &amp; &lt;nothing&gt; more');
      expect(template(model).text).toContain('A quiet day & <nothing> more');
    }
  });

  it('a 20-paper digest of real papers stays under the 102 KB Gmail clips at', () => {
    const { html, text } = template(sampleModel());
    const kb = Buffer.byteLength(html) / 1024;
    console.log(`20-paper digest: HTML ${kb.toFixed(1)} KB, text ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`);
    expect(kb).toBeLessThan(102);
    expect(html.match(/👍 More like this/g)).toHaveLength(20);
  });

  it('subject names the top paper; preheader, authors, why, links, upvotes, thumbnail and footer are there', () => {
    const model = sampleModel();
    const top = samplePapers()[0];
    expect(model.subject.startsWith(top.title.slice(0, 40))).toBe(true);
    expect(model.subject).toMatch(/\(\+19 more\)$/);
    const { html } = template(model);
    const long = model.items.find((it) => it.authors.endsWith('et al.'))!;
    expect(long.authors.split(', ')).toHaveLength(3);
    expect(html).toContain(model.preheader.slice(0, 30));
    for (const part of ['Why: matches diffusion', '>PDF</a>', '>Hugging Face</a>', 'upvotes', 'cdn-thumbnails.huggingface.co',
      'Change your interests', 'View in browser', 'Unsubscribe', 'asked for papers about diffusion']) expect(html).toContain(part);
    expect(html).toContain('/feedback/');
    expect(html).toMatch(/\/digests\/[0-9a-f]{32}\.20261129\./);
  });

  it('the plain-text part reads on its own: every title, abstract, link, no markup', () => {
    const model = sampleModel();
    const { text } = template(model);
    for (const it of model.items) {
      expect(text).toContain(`${it.position}. ${it.title}`);
      expect(text).toContain(it.abstract);
      expect(text).toContain(it.upUrl);
    }
    expect(text).not.toMatch(/<\/?[a-z]+[ >]|&amp;|&quot;|&#x/);
    expect(text).toContain(`Unsubscribe: ${model.unsubscribeUrl}`);
    expect(text).toContain(model.reason);
    // Who runs the instance, in both parts (issue 22, item 22).
    expect(text).toContain('Paperboy is run by Grace Hopper <papers-admin@example.org>.');
    expect(template(model).html).toContain('Paperboy is run by Grace Hopper &lt;papers-admin@example.org&gt;.');
  });

  it('one paper: singular heading, no "+0 more"', () => {
    const model = composeDigest({
      email: 'a@b.c', date: '2026-11-29', ranked: ranked(samplePapers().slice(0, 1)), siteUrl: 'http://x',
      links: { unsubscribe: 'http://x/u', preferences: 'http://x/p', view: 'http://x/v', feedback: (id, v) => `http://x/f/${id}/${v}` },
    });
    expect(model.heading).toBe('1 paper for you today');
    expect(model.subject).not.toContain('more');
  });
});
