#!/bin/bash
# The survey presets exist twice: as the sglens_survey tables (what SQL
# users see and extend) and as the core library's built-in table (what the
# command-line trainer uses without a server).  Every shipped row must be
# identical in both.  Needs a running server (PGHOST/PGPORT/PGUSER set).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
make -s -C "$REPO" test-tools
csv=$("$REPO/build/test/print_presets")
result=$(psql -X -q -At -v ON_ERROR_STOP=1 -d postgres <<SQL
CREATE DATABASE sglens_presets;
\c sglens_presets
SET client_min_messages = warning;
CREATE EXTENSION sglens CASCADE;
CREATE TEMP TABLE builtin (survey text, pixel_scale float8, read_noise float8, gain float8, band text,
	band_order int, zeropoint float8, sky_mag float8, psf_fwhm float8, exposure_time float8, n_exposures int);
COPY builtin FROM STDIN (FORMAT csv);
$csv
\.
CREATE TEMP VIEW tables AS
SELECT s.name, s.pixel_scale, s.read_noise, s.gain, b.band, b.band_order, b.zeropoint, b.sky_mag,
	b.psf_fwhm, b.exposure_time, b.n_exposures
FROM sglens_survey s JOIN sglens_survey_band b ON b.survey = s.name;
SELECT (SELECT count(*) FROM builtin), (SELECT count(*) FROM tables),
	(SELECT count(*) FROM (SELECT * FROM builtin EXCEPT SELECT * FROM tables) d),
	(SELECT count(*) FROM (SELECT * FROM tables EXCEPT SELECT * FROM builtin) d);
\c postgres
DROP DATABASE sglens_presets;
SQL
)
read -r nb nt only_builtin only_tables <<<"$(echo "$result" | tr '|' ' ')"
passed=0
failed=0
if [ "$nb" -gt 0 ] && [ "$nb" = "$nt" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "row counts differ: $nb built-in, $nt in tables"; fi
if [ "$only_builtin" = 0 ] && [ "$only_tables" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "rows differ: $only_builtin only built-in, $only_tables only in tables"; fi
echo "presets: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
