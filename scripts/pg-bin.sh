#!/usr/bin/env bash
# Prints the path of a PostgreSQL server program (initdb, pg_ctl, postgres): on PATH, else the newest under
# Debian's /usr/lib/postgresql/<version>/bin. Exits 1 when there is none.
set -euo pipefail
name=$1
if command -v "$name" >/dev/null 2>&1; then command -v "$name"; exit 0; fi
for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$dir/$name" ]; then echo "$dir/$name"; exit 0; fi
done
exit 1
