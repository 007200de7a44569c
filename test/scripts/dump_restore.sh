#!/bin/bash
# pg_dump / restore round trip of a table of stamps (plain and custom
# formats): every stamp's text form must be identical after the restore.
# Needs a running server (PGHOST/PGPORT/PGUSER set) with sglens installed.
set -euo pipefail
CHECK_NAME=dump_restore
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

for db in sglens_dump_src sglens_dump_plain sglens_dump_custom; do
	q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
done
q -d sglens_dump_src <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION sglens CASCADE;
CREATE TABLE stamps (id int PRIMARY KEY, img sgimage);
INSERT INTO stamps
SELECT i, sgimage(array_fill((i * 0.1)::float4, ARRAY[3, 40 + i, 30]), 0.2, ARRAY['g', 'r', 'i'],
	(i * 37.3) % 360, -80 + i, ARRAY[27.0, NULL, 26.5 + i / 7.0])
FROM generate_series(1, 20) i;
-- a large out-of-line stamp with masked pixels and awkward values
INSERT INTO stamps SELECT 100, sgimage(array_fill(NULL::float4, ARRAY[2, 512, 512]), 0.1);
UPDATE stamps SET img = sgimage(ARRAY[ARRAY[1e-45, -0.0, 3.4028235e38, 0.1]]::float4[], 1.0 / 3)
WHERE id = 20;
SQL
src=$(q -d sglens_dump_src -c "SELECT md5(string_agg(img::text, '|' ORDER BY id)) FROM stamps")

pg_dump -d sglens_dump_src | q -d sglens_dump_plain >/dev/null
plain=$(q -d sglens_dump_plain -c "SELECT md5(string_agg(img::text, '|' ORDER BY id)) FROM stamps")
check plain "$plain" "$src"

pg_dump -Fc -d sglens_dump_src | pg_restore -d sglens_dump_custom
custom=$(q -d sglens_dump_custom -c "SELECT md5(string_agg(img::text, '|' ORDER BY id)) FROM stamps")
check custom "$custom" "$src"
rows=$(q -d sglens_dump_custom -c "SELECT count(*) FROM stamps")
check rows "$rows" 21

for db in sglens_dump_src sglens_dump_plain sglens_dump_custom; do
	q -d postgres -c "DROP DATABASE $db"
done
checks_summary
