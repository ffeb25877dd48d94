#!/bin/sh
# First start: initdb, a user and database from POSTGRES_USER / POSTGRES_PASSWORD /
# POSTGRES_DB; then run the server in the foreground on all interfaces.
set -eu
: "${POSTGRES_USER:=filfollower}" "${POSTGRES_PASSWORD:=filfollower}" "${POSTGRES_DB:=filfollower}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  initdb -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  # psql variables quote the names and the password (stdin: -c does not interpolate them)
  psql -v ON_ERROR_STOP=1 -h /var/run/postgresql -U postgres -v u="$POSTGRES_USER" -v pw="$POSTGRES_PASSWORD" -v db="$POSTGRES_DB" >/dev/null <<'SQL'
CREATE USER :"u" WITH PASSWORD :'pw';
CREATE DATABASE :"db" OWNER :"u";
SQL
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c max_connections=200
