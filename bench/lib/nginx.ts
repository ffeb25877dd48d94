/**
 * nginx as a same-run baseline: a plain HTTP reverse proxy (round-robin over the
 * followers, keep-alive to them) with no JSON-RPC awareness. The binary comes from
 * Debian's package without installing it: `apt-get download nginx` + `dpkg -x` into
 * `.data/nginx/` (NGINX_BIN overrides). One worker process, like one balancer process.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type Started, stopProc, waitHttp } from './procs.js';
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

/** Start nginx on 127.0.0.1:`port`, proxying `/` round-robin to `upstreams` (`http://127.0.0.1:p`). */
export async function startNginx(port: number, upstreams: readonly string[]): Promise<Started> {
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
  // listening: any answer through it will do
  await waitHttp(`${url}/health/livez`, 10_000, proc, () => true).catch(async (e) => {
    await stopProc(proc, 'SIGQUIT');
    throw e;
  });
  return {
    url,
    proc,
    stop: async () => {
      await stopProc(proc, 'SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
