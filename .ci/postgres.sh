# Sourced by .ci/run: makes sure a PostgreSQL server answers on
# 127.0.0.1:5432 with trust auth and a database "test".
ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL is missing: installing it"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
  local ver
  ver=$(ls /etc/postgresql | sort -V | tail -n 1)
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "starting PostgreSQL $ver"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
  pg_isready -h 127.0.0.1 -p 5432
  # Trust auth for local TCP connections (a fresh install uses scram).
  local hba="/etc/postgresql/$ver/main/pg_hba.conf"
  if [ -w "$hba" ] && ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
  fi
  if ! psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='test'" | grep -q 1; then
    psql -h 127.0.0.1 -U postgres -c 'create database test'
  fi
}

# pg_restart_cmd prints the command that restarts the server ensure_postgres
# started; the pgqueue restart test runs it.
pg_restart_cmd() {
  local ver
  ver=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "pg_ctlcluster --skip-systemctl-redirect $ver main restart"
}
