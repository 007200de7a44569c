#!/bin/bash
# The sglens demo on a private, throw-away PostgreSQL cluster (docs/demo.md):
#   1. load survey-like FITS stamps, query their metadata, write PNG previews;
#   2. simulate a mock LSST survey (SGLENS_DEMO_N objects, default 20000, ~1% lenses) with
#      sky positions, a photometric and a spectroscopic catalogue;
#   3. score every stamp with the lens finder in a parallel query;
#   4. model the top candidates with lens_model();
#   5. cross-match them with the spectroscopy by position;
#   6. write a gallery of the best candidates (PNGs + index.html) and print a summary.
# The SQL of steps 2-6 is in demo/sql/, commented for astronomers.  Outputs go to demo_output/.
#
# Settings (environment):
#   SGLENS_DEMO_N        objects in the mock survey (default 20000)
#   SGLENS_DEMO_TOP      candidates to model (default 1% of SGLENS_DEMO_N)
#   SGLENS_DEMO_GALLERY  candidates in the gallery (default 48, at most SGLENS_DEMO_TOP)
#   SGLENS_DEMO_SEED     the population seed (default 2026)
#   SGLENS_DEMO_WORKERS  parallel workers per query (default: the number of cores, at most 8)
#   SGLENS_PORT, SGLENS_CLUSTER_DIR  the private cluster (scripts/common.sh)

# wall-clock time in microseconds (bash 5's EPOCHREALTIME), and the seconds from such a time
# to another (default: now)
now() { echo "${EPOCHREALTIME//[!0-9]/}"; }
since() { local us=$((${2:-$(now)} - $1)); printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000)); }
t_start=$(now)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

N=${SGLENS_DEMO_N:-20000}
SEED=${SGLENS_DEMO_SEED:-2026}
is_count() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ]; }
is_count "$N" || { echo "SGLENS_DEMO_N must be a positive integer, not '$N'" >&2; exit 2; }
[[ $SEED =~ ^-?[0-9]+$ ]] || { echo "SGLENS_DEMO_SEED must be an integer, not '$SEED'" >&2; exit 2; }
TOP=${SGLENS_DEMO_TOP:-$(((N + 99) / 100))}
is_count "$TOP" || { echo "SGLENS_DEMO_TOP must be a positive integer, not '$TOP'" >&2; exit 2; }
GALLERY=${SGLENS_DEMO_GALLERY:-48}
is_count "$GALLERY" || { echo "SGLENS_DEMO_GALLERY must be a positive integer, not '$GALLERY'" >&2; exit 2; }
[ "$GALLERY" -gt "$TOP" ] && GALLERY=$TOP
cores=$(nproc 2>/dev/null || echo 2)
WORKERS=${SGLENS_DEMO_WORKERS:-$((cores < 8 ? cores : 8))}
[[ $WORKERS =~ ^[0-9]+$ ]] || { echo "SGLENS_DEMO_WORKERS must be a number, not '$WORKERS'" >&2; exit 2; }
CHUNK=5000                        # objects per simulate_lens_sample() call
JOBS=$((cores < 4 ? cores : 4))   # concurrent simulation sessions

sglens_setup
sglens_start_cluster
t_setup=$(now)
out=$REPO/demo_output
sql=$REPO/demo/sql
rm -rf "$out"
mkdir -p "$out/gallery"

psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -c "CREATE EXTENSION sglens CASCADE" 2>&1 | grep -v NOTICE || true

# --- 1. FITS stamps from a cutout service -------------------------------------------------
echo "== writing survey-like FITS stamps with astropy"
/usr/bin/python3 "$REPO/demo/make_demo_fits.py" "$out"
psql -c "CREATE TABLE stamps (name text PRIMARY KEY, img sgimage)"

echo "== loading them with sg_from_fits()"
for f in "$out"/*.fits; do
	name=$(basename "$f" .fits)
	echo "INSERT INTO stamps VALUES (:'name', sg_from_fits(decode(:'data', 'base64')))" |
		psql -v name="$name" -v data="$(base64 -w0 "$f")"
done

echo "== their metadata, read from the stored headers"
psql -c "SELECT name, sg_width(img) AS nx, sg_height(img) AS ny, sg_bands(img) AS bands,
	sg_pixel_scale(img) AS arcsec_per_px, round(sg_ra(img)::numeric, 5) AS ra,
	round(sg_dec(img)::numeric, 5) AS dec, sg_psf_fwhm(img, 'r') AS fwhm_r,
	sg_noise(img, 'r') AS noise_r FROM stamps ORDER BY name"
psql -c "SELECT name, (sg_band_info(img)).* FROM stamps WHERE name = 'lens_ring'"

echo "== PNG previews (Lupton asinh colour composites of g, r, i)"
for name in $(psql -At -c "SELECT name FROM stamps ORDER BY name"); do
	echo "SELECT encode(sg_to_png(img, ARRAY['g','r','i'], q => 8, stretch => 3), 'base64')
		FROM stamps WHERE name = :'name'" | psql -At -v name="$name" | base64 -d >"$out/$name.png"
	echo "wrote $out/$name.png"
done

# --- 2. the mock survey ---------------------------------------------------------------------
echo "== simulating a mock LSST survey: $N objects, ~1% lenses (simulate_lens_sample, $JOBS sessions)"
t0=$(now)
psql -f "$sql/10_schema.sql"
pids=()
for ((first = 1; first <= N; first += CHUNK)); do
	count=$((N - first + 1 < CHUNK ? N - first + 1 : CHUNK))
	psql -v first="$first" -v count="$count" -v seed="$SEED" -v lens_fraction=0.01 \
		-f "$sql/11_simulate.sql" &
	pids+=($!)
	if [ ${#pids[@]} -ge "$JOBS" ]; then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
done
for pid in "${pids[@]}"; do wait "$pid"; done
psql -f "$sql/12_index.sql"
t_simulate=$(since "$t0")

echo "== photometry (aperture magnitudes on the stamps) and a spectroscopic redshift catalogue"
t0=$(now)
psql -v workers="$WORKERS" -f "$sql/20_catalogues.sql"
t_catalogues=$(since "$t0")
echo "   mean aperture i magnitude and g - r colour by (true) kind: lenses are red early-types with blue arcs"
psql -c "SELECT t.kind, count(*) AS n, round(avg(p.mag_i)::numeric, 2) AS mean_i_ap,
	round(avg(p.g_r)::numeric, 2) AS mean_g_r
	FROM truth t JOIN photometry p USING (object_id) GROUP BY t.kind ORDER BY n"

# --- 3. scoring -----------------------------------------------------------------------------
echo "== scoring all $N stamps with lens_score() in a parallel query ($WORKERS workers)"
t0=$(now)
psql -v workers="$WORKERS" -f "$sql/30_score.sql"
t_score=$(since "$t0")
echo "== and with the classic baseline finder, for comparison"
t0=$(now)
psql -v workers="$WORKERS" -f "$sql/31_score_baseline.sql"
t_baseline=$(since "$t0")

# --- 4. modelling ---------------------------------------------------------------------------
echo "== modelling the top $TOP candidates with lens_model()"
t0=$(now)
psql -v workers="$WORKERS" -v top="$TOP" -f "$sql/40_model.sql"
t_model=$(since "$t0")

# --- 5. cross-match -------------------------------------------------------------------------
echo "== cross-matching with the spectroscopic catalogue by position (sg_within, 1 arcsec)"
t0=$(now)
psql -f "$sql/50_crossmatch.sql"
t_xmatch=$(since "$t0")

# --- 6. gallery -----------------------------------------------------------------------------
echo "== gallery of the top $GALLERY candidates in $out/gallery"
t0=$(now)
psql -At -F $'\t' -v gallery="$GALLERY" -f "$sql/60_gallery_png.sql" |
	while IFS=$'\t' read -r file data; do
		base64 -d <<<"$data" >"$out/gallery/$file"
	done
psql -At -v gallery="$GALLERY" -f "$sql/61_gallery_index.sql" >"$out/gallery/index.html"
t_gallery=$(since "$t0")
echo "wrote $(find "$out/gallery" -name "*.png" | wc -l) images and $out/gallery/index.html"
echo "== the ten best candidates"
psql -f "$sql/62_top_table.sql"

# --- summary --------------------------------------------------------------------------------
{
	echo "== summary"
	psql -At -f "$sql/70_summary.sql"
	printf 'time          simulate %s s, catalogues %s s, score %s s (classic baseline %s s), model %s s, cross-match %s s, gallery %s s\n' \
		"$t_simulate" "$t_catalogues" "$t_score" "$t_baseline" "$t_model" "$t_xmatch" "$t_gallery"
	printf '              demo %s s in all, after %s s of setup (packages, build, cluster); %s cores, %s parallel workers per query\n' \
		"$(since "$t_setup")" "$(since "$t_start" "$t_setup")" "$cores" "$WORKERS"
} | tee "$out/summary.txt"
echo "demo finished: outputs in $out (gallery: $out/gallery/index.html)"
