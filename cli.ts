#!/usr/bin/env node
/**
 * `fil-follower` — one CLI for every role:
 *   start     embedded store + leader + N followers + load balancer (the quick start)
 *   leader    replay a CAR into the store and publish ChainNotify
 *   follower  serve the read-only Lotus API from the store
 *   lb        JSON-RPC-aware load balancer over followers
 *   migrate   create or upgrade the store's schema
 *   config    print every setting (`--markdown` for the README table)
 * Every option is also an environment variable (see README / `config`).
 */
import { Command as Cli, Option } from 'commander';
import { type Command, ConfigError, loadConfig, redactConfig, settingsFor, settingsMarkdown, SETTINGS } from './common/config.js';
import { createLogger } from './common/logger.js';
import { onShutdown, openConfiguredStore } from './common/runtime.js';
import { runLeader } from './leader/main.js';
import { runFollower } from './follower/main.js';
import { runBalancer } from './loadbalancer/balancer.js';
import { runCluster } from './scripts/cluster.js';
import { importCar } from './leader/import.js';
import { resolve } from 'node:path';
import { backendOf } from './common/store.js';
import { cqlMigrations } from './common/cql.js';
import { migrationsText, parseDialect } from './migrations/migrate.js';

const program = new Cli('fil-follower').description('Horizontally scalable read-only Lotus JSON-RPC gateway').showHelpAfterError();

function withSettings(cmd: Cli, name: Command): Cli {
  for (const s of settingsFor(name)) {
    const arg = s.type === 'bool' ? '' : ' <value>';
    cmd.addOption(new Option(`--${s.flag}${arg}`, `${s.description} [env ${s.env}]`));
  }
  return cmd;
}

function fail(e: unknown): never {
  const msg = e instanceof ConfigError ? `config error: ${e.message}` : (e as Error)?.message ?? String(e);
  process.stderr.write(`fil-follower: ${msg}\n`);
  const cause = (e as { cause?: { message?: string } })?.cause?.message;
  if (cause && !msg.includes(cause)) process.stderr.write(`  cause: ${cause}\n`);
  process.exit(1);
}

/** A role that works on the store: open it, run, and close both on SIGINT/SIGTERM. */
function storeRole(name: 'leader' | 'follower', description: string, migrateFirst: boolean, run: typeof runLeader | typeof runFollower): void {
  withSettings(program.command(name).description(description), name).action(async (flags) => {
    try {
      const cfg = loadConfig(name, flags);
      const log = createLogger(name === 'follower' ? `follower:${cfg.followerPort}` : name, cfg.logLevel as string);
      const store = await openConfiguredStore(cfg, log, { migrate: migrateFirst });
      const h = await run(cfg, store, log);
      onShutdown(log, async () => {
        await h.stop();
        await store.close();
      });
    } catch (e) {
      fail(e);
    }
  });
}

storeRole('leader', 'replay a CAR into the store and publish head changes', true, runLeader);
storeRole('follower', 'serve the read-only Lotus API from the store', false, runFollower);

withSettings(program.command('lb').description('JSON-RPC load balancer over followers'), 'lb').action(async (flags) => {
  try {
    const cfg = loadConfig('lb', flags);
    const log = createLogger('lb', cfg.logLevel as string);
    const h = await runBalancer(
      {
        host: cfg.lbHost as string,
        port: cfg.lbPort as number,
        upstreams: cfg.upstreams as string[],
        maxLagEpochs: cfg.maxLagEpochs as number,
        healthIntervalMs: cfg.healthIntervalMs as number,
        retries: cfg.retries as number,
        maxRequestBytes: cfg.maxRequestBytes as number,
        fullNodeUrl: cfg.fullNodeUrl as string | undefined,
        fullNodeToken: cfg.fullNodeToken as string | undefined,
      },
      log,
    );
    onShutdown(log, () => h.stop());
  } catch (e) {
    fail(e);
  }
});

withSettings(program.command('migrate').description('create or upgrade the store schema (safe to run twice)'), 'migrate')
  .option('--dialect <dialect>', 'with --dry-run: postgres, yugabyte or cql (default: from STORE_URL, else postgres)')
  .option('--dry-run', 'print the migrations instead of applying them (needs no database)')
  .action(async (flags) => {
    try {
      const cfg = loadConfig('migrate', flags);
      if (flags.dryRun) {
        const url = cfg.storeUrl as string | undefined;
        const dialect = (flags.dialect as string | undefined) ?? (url ? (backendOf(url).kind === 'cql' ? 'cql' : (backendOf(url) as { dialect: string }).dialect) : 'postgres');
        if (dialect === 'cql') {
          for (const m of await cqlMigrations()) process.stdout.write(`-- migration ${String(m.version).padStart(3, '0')}_${m.name} (cql)\n${m.statements.map((x) => x + ';').join('\n')}\n\n`);
        } else process.stdout.write(await migrationsText(parseDialect(dialect)));
        return;
      }
      const log = createLogger('migrate', cfg.logLevel as string);
      const store = await openConfiguredStore(cfg, log, { migrate: false });
      const applied = await store.migrate();
      log.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
      await store.close();
      await store.stopEmbedded();
    } catch (e) {
      fail(e);
    }
  });

withSettings(program.command('import').argument('<file>', 'CAR snapshot: .car, .car.zst or .forest.car.zst').description('import a CAR snapshot into the store (streamed, verified, batched); its roots tipset becomes the head'), 'import').action(async (file: string, flags) => {
  try {
    const cfg = loadConfig('import', flags);
    const log = createLogger('import', cfg.logLevel as string);
    const store = await openConfiguredStore(cfg, log, { migrate: true });
    try {
      const s = await importCar(resolve(file), store, log);
      process.stdout.write(
        `imported ${s.blocks.toLocaleString('en-US')} blocks (${(s.bytes / 1e6).toFixed(1)} MB of blocks, ${(s.carBytes / 1e6).toFixed(1)} MB CAR) in ${s.seconds.toFixed(1)} s, ` +
          `${Math.round(s.blocks / Math.max(s.seconds, 0.001)).toLocaleString('en-US')} blocks/s; ${s.tipsets} tipsets indexed; head ${s.headHeight ?? 'unchanged (no chain in the CAR)'}\n`,
      );
    } finally {
      await store.close();
      await store.stopEmbedded();
    }
  } catch (e) {
    fail(e);
  }
});

withSettings(program.command('start').description('run the whole cluster locally: embedded PostgreSQL, leader, followers, load balancer'), 'start').action(async (flags) => {
  try {
    const cfg = loadConfig('start', flags);
    await runCluster(cfg);
  } catch (e) {
    fail(e);
  }
});

program
  .command('config')
  .description('print every setting with its environment variable, flag and default')
  .option('--markdown', 'as the README table')
  .action((o: { markdown?: boolean }) => {
    if (o.markdown) process.stdout.write(settingsMarkdown() + '\n');
    else for (const s of SETTINGS) process.stdout.write(`${s.env.padEnd(20)} --${s.flag.padEnd(20)} ${JSON.stringify(redactConfig({ [s.key]: s.default })[s.key] ?? null)}\n`);
  });

program.parseAsync(process.argv).catch(fail);
