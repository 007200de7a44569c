-- The photometric and spectroscopic catalogues.

-- Photometry: aperture photometry on the stamps, as a survey pipeline would measure it.
-- For each band, the flux (e-/s) inside a circular aperture of radius 1.5" (7.5 pixels) around
-- the stamp centre, its error from the band's background noise sigma (sqrt(N_pix) sigma), and
-- the AB magnitude m = zeropoint - 2.5 log10(flux) (NULL where the flux is not positive).
-- Lens galaxies are red early-types; the blue lensed arcs inside the aperture make lenses a
-- little bluer in g - r than the plain ellipticals.
-- A CREATE TABLE ... AS SELECT runs in parallel workers (an INSERT ... SELECT would not).
SET max_parallel_workers_per_gather = :workers;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
CREATE TABLE photometry AS
SELECT o.object_id,
       p.flux[1] AS flux_g, p.flux[2] AS flux_r, p.flux[3] AS flux_i,
       m.mag[1] AS mag_g, m.mag[2] AS mag_r, m.mag[3] AS mag_i,
       1.0857 * p.err[1] / nullif(p.flux[1], 0) AS mag_g_err,
       1.0857 * p.err[2] / nullif(p.flux[2], 0) AS mag_r_err,
       1.0857 * p.err[3] / nullif(p.flux[3], 0) AS mag_i_err,
       m.mag[1] - m.mag[2] AS g_r,
       m.mag[2] - m.mag[3] AS r_i
FROM   objects o
CROSS  JOIN LATERAL (
	-- sg_to_array() of the central 16 x 16 pixels is a [band][row][column] array; unnest
	-- walks it in that order, so pixel k (from 0) is band k / 256, row (k % 256) / 16,
	-- column k % 16; the stamp centre is at row = column = 7.5, so the aperture is
	-- (2 row - 15)^2 + (2 column - 15)^2 <= 15^2 in whole numbers
	SELECT array_agg(f ORDER BY b) AS flux,
	       array_agg(sqrt(npix) * sg_noise(o.stamp, (ARRAY['g','r','i'])[b + 1]) ORDER BY b) AS err
	FROM (SELECT (k - 1) / 256 AS b, sum(v) AS f, count(*) AS npix
	      FROM   unnest(sg_to_array(sg_crop(o.stamp, 16))) WITH ORDINALITY AS px(v, k)
	      WHERE  (2 * ((k - 1) % 256 / 16) - 15) ^ 2 + (2 * ((k - 1) % 16) - 15) ^ 2 <= 225
	      GROUP  BY 1) per_band
) p
CROSS  JOIN LATERAL (
	SELECT array_agg(CASE WHEN p.flux[b] > 0
	                      THEN sg_zeropoint(o.stamp, (ARRAY['g','r','i'])[b]) - 2.5 * log(p.flux[b]) END
	                 ORDER BY b) AS mag
	FROM generate_series(1, 3) b
) m;
ALTER TABLE photometry ADD PRIMARY KEY (object_id);
ANALYZE photometry;

-- Spectroscopy: a redshift survey of luminous red galaxies, like the SDSS/BOSS or DESI samples
-- whose spectra found the SLACS and BELLS lenses.  Its targets are the objects brighter than
-- i = 19.5 in the aperture and redder than g - r = 1.0, observed with 70% completeness (fibre
-- collisions, unobserved plates), plus 2% of the other objects (filler targets).  Its positions come from its own astrometry, 0.05-0.5" from the imaging
-- position in a random direction, and its ids are its own, so it can only be matched by position.
-- 10% of the spectra are of sources that are not in the objects table (stars, galaxies outside
-- the stamp catalogue): they must not match anything.  The redshifts are mock values for the
-- galaxies (the sampler's colour template is an early-type galaxy at z ~ 0.5): uniform in
-- 0.3..0.7 with a 1e-4 (1 + z) error; the unrelated sources have z 0..0.8.
CREATE TABLE spectroscopy (
	spec_id bigint PRIMARY KEY,
	ra      float8 NOT NULL,
	"dec"   float8 NOT NULL,
	pos     geography GENERATED ALWAYS AS (sg_sky(ra, "dec")) STORED,
	z       float8 NOT NULL,
	z_err   float8 NOT NULL
);
-- Which object each spectrum was taken of (NULL: a source that is not in objects).  Like
-- `truth`, only the simulation knows this; the demo uses it to grade the cross-match.
CREATE TABLE spec_truth (spec_id bigint PRIMARY KEY, object_id bigint);

WITH targets AS (
	SELECT o.object_id AS key, o.ra, o."dec",
	       0.05 + 0.45 * demo_uniform('sep' || o.object_id) AS sep_arcsec,
	       2 * pi() * demo_uniform('pa' || o.object_id) AS pa,
	       round((0.3 + 0.4 * demo_uniform('z' || o.object_id))::numeric, 4)::float8 AS z
	FROM   objects o JOIN photometry p USING (object_id)
	WHERE  (p.mag_i < 19.5 AND p.g_r > 1.0 AND demo_uniform('fibre' || o.object_id) < 0.7)
	   OR  demo_uniform('fibre' || o.object_id) < 0.02
), unrelated AS (
	SELECT -g AS key,
	       demo_ra(355 + 10 * demo_uniform('spec-ra' || g)) AS ra,
	       degrees(asin(sin(radians(-10)) + demo_uniform('spec-dec' || g) * sin(radians(10)))) AS "dec",
	       0::float8 AS sep_arcsec, 0::float8 AS pa,
	       round((0.8 * demo_uniform('spec-z' || g))::numeric, 4)::float8 AS z
	FROM   generate_series(1, (SELECT count(*) / 9 FROM targets)) g
), spectra AS (
	SELECT row_number() OVER (ORDER BY md5('spec' || key)) AS spec_id, *   -- the survey's own ids
	FROM   (SELECT * FROM targets UNION ALL SELECT * FROM unrelated) u
), t AS (
	INSERT INTO spec_truth SELECT spec_id, CASE WHEN key > 0 THEN key END FROM spectra
)
INSERT INTO spectroscopy (spec_id, ra, "dec", z, z_err)
SELECT spec_id,
       -- moved by sep_arcsec towards position angle pa (east of north)
       demo_ra(ra + sep_arcsec / 3600 * sin(pa) / cos(radians("dec"))),
       "dec" + sep_arcsec / 3600 * cos(pa),
       z, 1e-4 * (1 + z)
FROM   spectra;
CREATE INDEX spectroscopy_pos_idx ON spectroscopy USING gist (pos);
ANALYZE spectroscopy;
ANALYZE spec_truth;
