# Sourced by .ci/run: makes sure headless Chromium is installed for the
# console's browser tests (Debian's package chromium, at /usr/bin/chromium),
# installing it with apt if needed (this needs root), and exports its path
# as SOCIALCARE_TEST_CHROMIUM, which the tests read.
ensure_chromium() {
  local path="${SOCIALCARE_TEST_CHROMIUM:-/usr/bin/chromium}"
  if [ ! -x "$path" ]; then
    echo "Chromium is missing: installing it"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
    path=/usr/bin/chromium
  fi
  "$path" --version
  export SOCIALCARE_TEST_CHROMIUM="$path"
}
