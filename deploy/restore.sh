#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database and instance folder.
# Usage: deploy/restore.sh DUMP_FILE FILES_TAR_GZ  (stop credit-web and credit-scheduler first)
set -euo pipefail
dump="${1:?usage: restore.sh DUMP_FILE FILES_TAR_GZ}"
files="${2:?usage: restore.sh DUMP_FILE FILES_TAR_GZ}"
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${CREDIT_INSTANCE:?CREDIT_INSTANCE is not set}"
pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" "$dump"
mkdir -p "$CREDIT_INSTANCE"
tar -C "$CREDIT_INSTANCE" -xzf "$files"
echo "restored; now run: credit db upgrade && credit audit verify"
