#!/bin/bash
# The sglens demo on a private, throw-away PostgreSQL cluster: load survey
# stamps from FITS, query their metadata, and write PNG previews to
# demo_output/.  (Later stages add simulation, scoring and modelling.)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
sglens_setup
sglens_start_cluster
out=$REPO/demo_output
rm -rf "$out"
mkdir -p "$out"

echo "== writing survey-like FITS stamps with astropy"
/usr/bin/python3 "$REPO/demo/make_demo_fits.py" "$out"

psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -c "CREATE EXTENSION sglens CASCADE" 2>&1 | grep -v NOTICE || true
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

echo "== stamps north of dec 0 with a bright centre in i (peak from the pixels)"
psql -c "SELECT name, round(max(v)::numeric, 1) AS peak_i
	FROM stamps, unnest(sg_to_array(sg_crop(img, 4), 'i')) v
	WHERE sg_dec(img) > 0 GROUP BY name ORDER BY name"

echo "== PNG previews (Lupton asinh colour composites of g, r, i)"
for name in $(psql -At -c "SELECT name FROM stamps ORDER BY name"); do
	echo "SELECT encode(sg_to_png(img, ARRAY['g','r','i'], q => 8, stretch => 3), 'base64')
		FROM stamps WHERE name = :'name'" | psql -At -v name="$name" | base64 -d >"$out/$name.png"
	echo "wrote $out/$name.png"
done
echo "== a mock LSST survey: 300 objects from the population sampler (half lenses)"
psql -c "CREATE TABLE mock AS SELECT * FROM simulate_lens_sample(300, 'LSST', 2026,
	lens_fraction => 0.5, bands => ARRAY['g','r','i'], size => 64)"
psql -c "SELECT kind, count(*) AS n, round(avg(sg_noise(image, 'i'))::numeric, 4) AS noise_i_e_per_s
	FROM mock GROUP BY kind ORDER BY n DESC"
psql -c "SELECT id, round((params #>> '{lens,0,theta_E}')::numeric, 2) AS theta_e_arcsec,
	round((params #>> '{source,0,center_x}')::numeric, 2) AS source_x,
	round((params #>> '{source,0,center_y}')::numeric, 2) AS source_y
	FROM mock WHERE is_lens ORDER BY (params #>> '{lens,0,theta_E}')::float8 DESC LIMIT 5"
for id in $(psql -At -c "(SELECT id FROM mock WHERE is_lens ORDER BY (params #>> '{lens,0,theta_E}')::float8 DESC LIMIT 3)
		UNION ALL (SELECT min(id) FROM mock WHERE NOT is_lens GROUP BY kind)"); do
	kind=$(psql -At -c "SELECT kind FROM mock WHERE id = $id")
	psql -At -c "SELECT encode(sg_to_png(image, ARRAY['g','r','i'], q => 8), 'base64') FROM mock WHERE id = $id" |
		base64 -d >"$out/mock_${id}_${kind}.png"
done
echo "wrote $(ls "$out"/mock_*.png | wc -l) mock-survey previews"
echo "demo finished: outputs in $out"
