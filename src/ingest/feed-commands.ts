// `paperboy feeds add|list|remove|import`: the journal feeds the operator keeps (PAPERBOY_FEEDS lists more).
import { readFileSync } from 'node:fs';
import type { Db } from '../db/open.js';
import { addFeed, listFeeds, removeFeed, syncConfiguredFeeds, type Feed } from '../store/feeds.js';
import { commandLine } from '../command.js';
import { parseOpml } from './opml.js';

/** One line per feed: code, name, URL and where it came from. */
export function feedLine(f: Feed): string {
  return `${f.code}  ${f.title ?? '(named by the feed once fetched)'}  ${f.url}${f.origin === 'env' ? '  (PAPERBOY_FEEDS)' : f.origin === 'opml' ? '  (OPML import)' : ''}`;
}

/** `paperboy feeds list`: every feed, those of PAPERBOY_FEEDS included. */
export function listCommand(db: Db, configured: readonly string[], now = new Date()): string[] {
  syncConfiguredFeeds(db, configured, now);
  const feeds = listFeeds(db);
  return feeds.length ? feeds.map(feedLine) : [`no journal feeds yet: add one with ${commandLine('feeds add <url>')} or list them in PAPERBOY_FEEDS`];
}

/** `paperboy feeds add <url> [--name n]`: refuses anything but an http(s) URL; returns the lines to print. */
export function addCommand(db: Db, url: string, name: string | undefined, now = new Date()): string[] {
  if (!/^https?:\/\/\S+$/i.test(url) || !URL.canParse(url)) throw new Error(`"${url}" is not an http(s) feed URL such as https://www.nature.com/nphys.rss`);
  const { feed, added } = addFeed(db, url, 'command', now, name?.trim() || null);
  if (!added) return [`already kept: ${feedLine(feed)}`];
  return [`added ${feedLine(feed)}`, `subscribers can follow it as "${feed.title ?? new URL(url).hostname}"; serve fetches it at its next ingest (INGEST_CRON)`];
}

/** `paperboy feeds remove <url-or-code>`: its papers stay; a feed of PAPERBOY_FEEDS is removed there. */
export function removeCommand(db: Db, what: string, configured: readonly string[]): string[] {
  if (configured.includes(what)) throw new Error(`${what} is listed in PAPERBOY_FEEDS: remove it there`);
  const gone = removeFeed(db, what);
  if (!gone) throw new Error(`no feed with the URL or code "${what}"; ${commandLine('feeds list')} lists them`);
  return [`removed ${feedLine(gone)}; its papers stay`];
}

/** `paperboy feeds import <file.opml>`: adds every feed the outline lists; bad outlines are reported by line. */
export function importCommand(db: Db, file: string, now = new Date()): string[] {
  const { feeds, rejected } = parseOpml(readFileSync(file, 'utf8'));
  const lines: string[] = [];
  let added = 0;
  for (const f of feeds) {
    const r = addFeed(db, f.url, 'opml', now, f.title);
    if (r.added) added++;
    lines.push(`${r.added ? 'added' : 'already kept'} ${feedLine(r.feed)}`);
  }
  lines.push(...rejected.map((r) => `skipped ${r.where}: ${r.reason}`));
  lines.push(`${file}: ${added} feeds added, ${feeds.length - added} already kept, ${rejected.length} skipped`);
  return lines;
}
