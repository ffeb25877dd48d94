/**
 * Structured logging (pino). One root logger per process; components take
 * `log.child({ component })`. Level from LOG_LEVEL (default info); format from
 * LOG_FORMAT: `pretty` (pino-pretty's readable lines), `json` (one object per line,
 * for collectors), `auto` (pretty when stdout is a terminal, JSON otherwise).
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** How log lines are written. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Whether `format` renders readable lines on this stdout. */
export function isPretty(format: LogFormat, tty = !!process.stdout.isTTY): boolean {
  return format === 'pretty' || (format === 'auto' && tty);
}

/**
 * Create the process's root logger. `name` appears in every line (e.g. `follower:1240`).
 * Pretty output is written synchronously from this thread (no worker transport), so
 * the last lines before an exit are not lost.
 */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info', format: LogFormat = (process.env.LOG_FORMAT as LogFormat | undefined) ?? 'auto'): Logger {
  const opts = { name, level, base: { pid: process.pid } };
  if (!isPretty(format)) return pino(opts);
  return pino(opts, pretty({ colorize: !!process.stdout.isTTY, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
