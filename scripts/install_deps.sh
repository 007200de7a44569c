#!/bin/bash
# Install the Debian 12 packages sglens needs to build, test and run its demo.
# Idempotent: does nothing when everything is present.  Needs root (or sudo).
set -euo pipefail
packages=(
	build-essential pkg-config clang libclang-rt-14-dev
	postgresql-15 postgresql-server-dev-15 postgresql-15-postgis-3 postgresql-15-plproxy
	postgresql-15-cron
	libcfitsio-dev libpng-dev libopenblas-dev libfftw3-dev
	python3 python3-astropy python3-numpy
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
