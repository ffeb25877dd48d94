# fil-follower: one image for every role (leader, follower, lb, migrate), built by
# scripts/images.sh without a registry: FROM the Debian base it imports (debootstrap),
# with the host's Node 20 binary and npm, on the context it stages in .data/images/app
# (dist/, migrations/, package.json, package-lock.json, node, npm, the CA bundle).
ARG BASE=filf-base:bookworm

FROM ${BASE} AS build
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca.crt /etc/ssl/certs/filf-build-ca.crt
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
WORKDIR /app
COPY package.json package-lock.json ./
# production dependencies only; outbound HTTPS is intercepted here, so trust the host's CA bundle
RUN NODE_EXTRA_CA_CERTS=/etc/ssl/certs/filf-build-ca.crt npm ci --omit=dev --no-audit --no-fund
COPY dist ./dist
COPY migrations ./migrations

FROM ${BASE}
COPY node /usr/local/bin/node
RUN useradd --system --uid 1240 --home-dir /app --shell /usr/sbin/nologin filf
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production
USER filf
# followers and the leader answer /health/readyz; the balancer too (its upstreams)
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const p=process.env.HEALTH_PORT||1240;fetch('http://127.0.0.1:'+p+'/health/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/cli.js"]
