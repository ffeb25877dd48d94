/**
 * A progress display for long work (imports, backfills, benchmarks): a redrawn bar
 * on a terminal, a plain line every few seconds otherwise (logs, CI).
 */

/** What a progress line shows. */
export interface ProgressState {
  /** Units done (e.g. blocks). */
  done: number;
  /** Fraction complete in [0, 1], when known. */
  fraction?: number;
  /** Extra text, e.g. "123.4 MB". */
  detail?: string;
}

/** Writes progress to a stream (stderr by default). */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly tty: boolean;

  constructor(private readonly label: string, private readonly unit: string, private readonly out: NodeJS.WriteStream = process.stderr, private readonly intervalMs = 2000) {
    this.tty = !!out.isTTY;
  }

  /** Redraw if due (every 100 ms on a TTY, every `intervalMs` otherwise). */
  update(s: ProgressState, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < (this.tty ? 100 : this.intervalMs)) return;
    this.lastDraw = now;
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const rate = s.done / secs;
    const eta = s.fraction && s.fraction > 0 && s.fraction < 1 ? ` ETA ${Math.ceil((secs / s.fraction) * (1 - s.fraction))}s` : '';
    const pct = s.fraction !== undefined ? ` ${(s.fraction * 100).toFixed(1).padStart(5)}%` : '';
    const bar = s.fraction !== undefined ? ` [${'#'.repeat(Math.round(s.fraction * 24)).padEnd(24, '.')}]` : '';
    const line = `${this.label}${bar}${pct} ${s.done.toLocaleString('en-US')} ${this.unit}${s.detail ? `, ${s.detail}` : ''}, ${Math.round(rate).toLocaleString('en-US')} ${this.unit}/s${eta}`;
    this.out.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }

  /** Final line. */
  finish(s: ProgressState): void {
    this.update(s, true);
    if (this.tty) this.out.write('\n');
  }
}

/** Bytes as a short human string (MB with one decimal). */
export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
