/**
 * Structured logging (pino). One root logger per process; components take
 * `log.child({ component })`. Level from LOG_LEVEL (default info).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Create the process's root logger. `name` appears in every line (e.g. `follower-1`). */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
