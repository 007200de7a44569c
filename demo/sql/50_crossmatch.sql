-- Cross-match by position with the spectroscopic catalogue.
--
-- sg_within(a, b, radius_arcsec) is true when two positions are at most radius_arcsec apart on
-- the sky; it is answered from the GiST index of the table on the inner side of the join
-- (pos && a box around the other position), then decided exactly.  Nothing here uses ids.

-- The plan: for each candidate, an index scan of spectroscopy around its position.
EXPLAIN (COSTS OFF)
SELECT c.object_id, n.spec_id
FROM   candidates c JOIN objects o USING (object_id)
CROSS  JOIN LATERAL (
	SELECT s.spec_id FROM spectroscopy s
	WHERE  sg_within(o.pos, s.pos, 1.0)
	ORDER  BY sg_separation(o.pos, s.pos) LIMIT 1) n;

-- Each candidate's nearest spectrum within 1" (candidates without one are kept, with NULLs).
CREATE TABLE candidate_redshifts AS
SELECT c.object_id, n.spec_id, n.z, n.z_err, n.sep_arcsec
FROM   candidates c JOIN objects o USING (object_id)
LEFT   JOIN LATERAL (
	SELECT s.spec_id, s.z, s.z_err, sg_separation(o.pos, s.pos) AS sep_arcsec
	FROM   spectroscopy s
	WHERE  sg_within(o.pos, s.pos, 1.0)
	ORDER  BY sep_arcsec
	LIMIT  1) n ON true;
ALTER TABLE candidate_redshifts ADD PRIMARY KEY (object_id);

-- The whole spectroscopic catalogue against the whole survey: each spectrum's nearest object
-- within 1" (the index of objects this time).  The summary grades it against spec_truth.
CREATE TABLE spec_matches AS
SELECT s.spec_id, n.object_id, n.sep_arcsec
FROM   spectroscopy s
CROSS  JOIN LATERAL (
	SELECT o.object_id, sg_separation(s.pos, o.pos) AS sep_arcsec
	FROM   objects o
	WHERE  sg_within(s.pos, o.pos, 1.0)
	ORDER  BY sep_arcsec
	LIMIT  1) n;
