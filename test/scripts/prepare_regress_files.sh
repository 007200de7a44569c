#!/bin/bash
# Create the scratch directory the pg_regress suite uses for COPY files and
# survey tiles, with the symlinks, FIFO and non-FITS file that the tile
# access tests must refuse.  The server's system user must be able to write it.
set -euo pipefail
root=/tmp/sglens_regress
rm -rf "$root"
mkdir -p "$root/allowed/sub" "$root/outside" "$root/allowed_evil"
ln -s ../outside/tile.fits "$root/allowed/escape.fits"
ln -s ../outside "$root/allowed/dirlink"
mkfifo "$root/allowed/fifo.fits"
echo "this is not a FITS file" >"$root/allowed/notfits.fits"
# tiny untrained finders for the lens_score tests
make -s -C "$(dirname "$0")/../.." test-tools
"$(dirname "$0")/../../build/test/make_test_models" "$root"
chmod -R a+rwX "$root"
if [ "$(id -u)" -eq 0 ]; then
	chown -R postgres: "$root"
fi
