#!/usr/bin/env bash
# Make sure a local PostgreSQL accepts connections on 127.0.0.1:5432 for the Postgres tests.
# Uses the Debian cluster if one exists (starting it if stopped); installs postgresql if none does.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
  echo "installing PostgreSQL"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends postgresql
  # A cluster we just made is for tests on this machine only: trust local TCP connections, as the
  # machine's own cluster does, so the tests connect as user postgres without a password.
  hba="$(ls /etc/postgresql/*/main/pg_hba.conf | sort -V | tail -1)"
  # pg_hba.conf is read top down and the first match wins: these lines go first.
  $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
fi
version="$(ls /etc/postgresql | sort -V | tail -1)"
echo "starting PostgreSQL $version"
$SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || $SUDO pg_ctlcluster "$version" main start
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
  sleep 1
done
echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2
exit 1
