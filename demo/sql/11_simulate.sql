-- One chunk of the mock survey: objects :first .. :first + :count - 1.
--
-- simulate_lens_sample() draws each member from the population (lenses with probability
-- lens_fraction, otherwise a hard non-lens: companions, star-forming rings, mergers, edge-on
-- disks, blue clumps, arc-like neighbours) and renders it as LSST would see it: g, r, i with
-- LSST's PSF, depth and noise, 48 x 48 pixels of 0.2" (the input size of the shipped ground-based
-- finder).  A member depends only on (seed, id), so chunks made separately, in any order or in
-- concurrent sessions, give exactly the survey one call would.
--
-- Every object gets a sky position in a 10 x 10 degree patch straddling ra = 0 (ra 355..5,
-- dec -10..0, uniform on the sphere), deterministic from its id, and the stamp's header is given
-- that centre.  The same rows go to `objects` (what a survey has) and `truth` (what only the
-- simulator knows) in one statement.
WITH sample AS (
	SELECT s.id, s.is_lens, s.kind, s.params, s.image,
	       demo_ra(355 + 10 * demo_uniform('ra' || s.id)) AS ra,
	       degrees(asin(sin(radians(-10))
	                    + demo_uniform('dec' || s.id) * (sin(radians(0)) - sin(radians(-10))))) AS "dec"
	FROM   simulate_lens_sample(:count, 'LSST', :seed, lens_fraction => :lens_fraction,
	                            bands => ARRAY['g','r','i'], size => 48, first_id => :first) s
), t AS (
	INSERT INTO truth (object_id, is_lens, kind, params)
	SELECT id, is_lens, kind, params FROM sample
)
INSERT INTO objects (object_id, ra, "dec", stamp)
SELECT id, ra, "dec", sg_set_center(image, ra, "dec") FROM sample;
