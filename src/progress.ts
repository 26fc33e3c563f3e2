import cliProgress from 'cli-progress';

/** A progress bar on stderr for long commands. */
export interface ProgressBar {
  /** Moves the bar to `done` of `total`; `values` fill the format's other {placeholders}. */
  update(done: number, total: number, values?: Record<string, number>): void;
  stop(): void;
}

/** A cli-progress bar with this format when stderr is a terminal; otherwise one that does nothing (summaries still print). */
export function progressBar(format: string): ProgressBar {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar({ format, stream: process.stderr }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total, values) {
      if (!started) bar.start(total, 0, values);
      started = true;
      bar.setTotal(total);
      bar.update(done, values);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
