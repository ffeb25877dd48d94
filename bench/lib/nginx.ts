/**
 * nginx as a same-run baseline: a plain HTTP reverse proxy (round-robin over the
 * followers, keep-alive to them) with no JSON-RPC awareness. The binary comes from
 * Debian's package without installing it: `apt-get download nginx` + `dpkg -x` into
 * `.data/nginx/` (NGINX_BIN overrides). One worker process, like one balancer process.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../../common/paths.js';

/** The nginx binary: NGINX_BIN, else Debian's, unpacked under `.data/nginx/` on first use. */
export function nginxBinary(): string {
  if (process.env.NGINX_BIN) return process.env.NGINX_BIN;
  const root = projectPath('.data', 'nginx');
  const bin = join(root, 'usr', 'sbin', 'nginx');
  if (existsSync(bin)) return bin;
  mkdirSync(root, { recursive: true });
  execFileSync('apt-get', ['download', 'nginx'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const deb = readdirSync(root).find((f) => /^nginx_.*\.deb$/.test(f));
  if (!deb) throw new Error('nginx: apt-get download nginx gave no .deb');
  execFileSync('dpkg', ['-x', join(root, deb), root]);
  return bin;
}

/** A running nginx proxy. */
export interface NginxProxy {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Start nginx on 127.0.0.1:`port`, proxying `/` round-robin to `upstreams` (`http://127.0.0.1:p`). */
export async function startNginx(port: number, upstreams: readonly string[]): Promise<NginxProxy> {
  const bin = nginxBinary();
  const dir = mkdtempSync(join(tmpdir(), 'filf-nginx-'));
  mkdirSync(join(dir, 'logs'));
  const conf = `
worker_processes 1;
daemon off;
master_process on;
error_log ${dir}/logs/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream followers {
    ${upstreams.map((u) => `server ${new URL(u).host};`).join('\n    ')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 100000;
    location / {
      proxy_pass http://followers;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering on;
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const proc = spawn(bin, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`nginx exited ${proc.exitCode}`);
    try {
      const r = await fetch(`${url}/health/livez`);
      await r.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('nginx did not listen within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGQUIT');
      }),
  };
}
