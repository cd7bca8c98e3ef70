#!/usr/bin/env bash
# Back up the database and the instance folder (stored files: evidence, notices, list versions).
# Usage: deploy/backup.sh [DEST_DIR]     (reads DATABASE_URL and CREDIT_INSTANCE from the environment,
#        e.g. `set -a; . /etc/credit/credit.env; set +a` first)
set -euo pipefail
dest="${1:-/var/backups/credit}"
stamp="$(date +%Y%m%d-%H%M%S)"
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${CREDIT_INSTANCE:?CREDIT_INSTANCE is not set}"
mkdir -p "$dest"
# Custom format: compressed, restorable table by table with pg_restore.
pg_dump --format=custom --no-owner --file="$dest/credit-$stamp.dump" "$DATABASE_URL"
# Files are stored by their SHA-256, so a copy taken after the dump holds every file it names.
tar -C "$CREDIT_INSTANCE" -czf "$dest/credit-files-$stamp.tar.gz" .
echo "backup written: $dest/credit-$stamp.dump $dest/credit-files-$stamp.tar.gz"
