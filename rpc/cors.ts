/**
 * CORS for the JSON-RPC endpoints (followers, leader, balancer), through
 * @fastify/cors: browsers may POST JSON-RPC from the configured origins, and a
 * preflight `OPTIONS` is answered (methods GET/POST, headers content-type and
 * authorization, cached for a day). `*` allows any origin (public read endpoints);
 * `none` (or an empty list) sends no CORS headers at all.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * Register CORS on an app, before its routes.
 * @param origins `['*']`, a list of origins (`https://app.example`), or `['none']`
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0 || origins.includes('none')) return;
  await app.register(cors, {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization'],
    maxAge: 86_400,
  });
}
