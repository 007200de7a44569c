#!/bin/bash
# FITS interoperability with a real client, astropy (Debian's python3-astropy):
#   1. astropy writes a 3-band cube with a TAN WCS;
#   2. sglens loads it (sg_from_fits), checks its metadata, and writes it back
#      out with sg_to_fits;
#   3. astropy opens sglens's file and checks pixels, shape and WCS centre.
# Needs a running server (PGHOST/PGPORT/PGUSER set) with sglens installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
dir=$(mktemp -d /tmp/sglens-astropy.XXXXXX)
chmod 777 "$dir"
trap 'rm -rf "$dir"' EXIT

$py "$here/astropy_roundtrip.py" write "$dir"
chmod a+r "$dir"/*
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
CREATE DATABASE sglens_astropy;
\c sglens_astropy
SET client_min_messages = warning;
CREATE EXTENSION sglens CASCADE;
CREATE TABLE t AS SELECT sg_from_fits(pg_read_binary_file('$dir/astropy_cube.fits')) AS img;
DO \$\$
DECLARE
	o oid := lo_from_bytea(0, (SELECT sg_to_fits(img) FROM t));
BEGIN
	PERFORM lo_export(o, '$dir/sglens_out.fits');
	PERFORM lo_unlink(o);
END \$\$;
\pset tuples_only on
\o $dir/sglens_meta.txt
SELECT sg_width(img), sg_height(img), array_to_string(sg_bands(img), ','),
	sg_pixel_scale(img), sg_ra(img), sg_dec(img) FROM t;
\o
\c postgres
DROP DATABASE sglens_astropy;
SQL
$py "$here/astropy_roundtrip.py" check "$dir"
