// A relay that refused a run's digests alike (relaying denied, a policy block): not the subscribers' fault, so
// nobody is suspended for it; the run stops, and this record makes the next runs send one digest at a time until
// one is accepted, and shows operators why (the detailed /healthz, `paperboy digest`).
import type { Db } from '../db/open.js';
import { deleteSetting, getSetting, setSetting } from '../store/settings.js';

const KEY = 'relay_refused';

/** When a run was stopped for its relay, the reply it got and how many digests it refused. */
export interface RelayRefusal {
  at: string;
  reply: string;
  refused: number;
}

/** The relay refusal that stopped a run and no accepted digest has lifted since, or null. */
export function relayRefusal(db: Db): RelayRefusal | null {
  const v = getSetting(db, KEY);
  if (!v) return null;
  try {
    return JSON.parse(v) as RelayRefusal;
  } catch {
    return null;
  }
}

/** Records that a run was stopped for its relay. */
export function holdForRelay(db: Db, r: RelayRefusal): void {
  setSetting(db, KEY, JSON.stringify(r));
}

/** Lifts the hold once the relay accepts a digest again; false when there was none. */
export function releaseRelay(db: Db): boolean {
  return deleteSetting(db, KEY);
}

/** The hold in words, for operators. */
export function relayWarning(r: RelayRefusal): string {
  return `the SMTP relay refused ${r.refused} digests alike at ${r.at} (${r.reply}): not their recipients' addresses, so nobody was ` +
    'suspended; runs send one digest at a time until one is accepted. Check SMTP_URL and the relay';
}
