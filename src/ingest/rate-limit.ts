// arXiv asks clients for at most one request every 3 seconds; every arxiv.org host shares that budget.

/** Spaces requests to matching hosts at least `gapMs` apart, across all callers that share the instance. */
export class HostLimiter {
  private nextFree = 0;

  constructor(
    private readonly gapMs = 3000,
    private readonly hosts: RegExp = /(^|\.)arxiv\.org$/i,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Waits until a request to `url` may go; returns at once for hosts without a limit. */
  async wait(url: string): Promise<void> {
    if (!this.hosts.test(new URL(url).hostname)) return;
    // Reserve the next free slot before waiting, so concurrent callers queue instead of racing.
    const at = Math.max(this.now(), this.nextFree);
    this.nextFree = at + this.gapMs;
    const delay = at - this.now();
    if (delay > 0) await this.sleep(delay);
  }
}

/** What a fetch waits on before each request. */
export interface Limiter {
  wait(url: string): Promise<void>;
}

/** arXiv's budget: one request every 3 s to any arxiv.org host. */
export const arxivLimiter = new HostLimiter();

/** bioRxiv's and medRxiv's details API (api.biorxiv.org serves both): one page a second, its pages fetched in turn. */
export const rxivLimiter = new HostLimiter(1000, /(^|\.)(biorxiv|medrxiv)\.org$/i);

/** The limiter every fetch in this process uses unless told otherwise: each host family waits on its own budget. */
export const hostLimiter: Limiter = {
  async wait(url) {
    await arxivLimiter.wait(url);
    await rxivLimiter.wait(url);
  },
};
