#!/bin/sh
# Installs the Debian packages warroom needs to build, run and test, when
# they are missing (idempotent), and the browser test's npm package.
# Run as root on Debian 12; as another user it only reports what is missing.
set -eu

packages="build-essential cmake pkg-config
libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev libidn2-dev
zlib1g-dev libzstd-dev zstd libcurl4-openssl-dev libssl-dev
libcmocka-dev python3 chromium wrk valgrind clang libclang-rt-14-dev bc curl
libhyperscan-dev ripgrep time
libcmark-dev python3-aiosmtpd python3-jsonschema"

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js: any installation will do (Debian's, or one the machine came with).
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing Debian packages:$missing (run scripts/deps.sh as root)" >&2
		exit 1
	fi
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

# playwright-core drives Debian's Chromium; it downloads no browser.
web="$(dirname "$0")/../tests/web"
if [ -f "$web/package-lock.json" ] && [ ! -d "$web/node_modules/playwright-core" ]; then
	echo "deps: npm ci in tests/web"
	(cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi
exit 0
