-- The gallery's images: for each of the :gallery best candidates, one line
--   file name <TAB> PNG as base64
-- which scripts/demo.sh decodes into files.  Three images per candidate, all Lupton et al.
-- (2004) asinh colour composites with i, r, g as red, green, blue (sg_to_png, docs/png.md), each
-- with its own automatic stretch (5 sigma of the background):
--   rankNNN_scoreS_thetaET.png        the stamp (9.6" x 9.6", north up, east left)
--   rankNNN_scoreS_thetaET_arcs.png   the stamp minus the fitted lens light: the lensed arcs
--   rankNNN_scoreS_thetaET_resid.png  the stamp minus the whole fitted model (lens light and
--                                     lensed source): what is left is what the model misses
-- lens_model_residual(stamp, params) renders any parameter set with the stamp's PSFs and
-- subtracts it; the fit's parameters without their 'source' part are the lens light alone.
-- The last two are made only for fits that converged (a fit that found no arcs, for example,
-- returns parameters with zero amplitudes).
-- The name carries the rank, the finder's score and the fitted Einstein radius in arcsec
-- ("nofit" when the fit did not converge).
WITH g AS (
	SELECT c.rank, o.stamp, m.m,
	       format('rank%s_score%s_thetaE%s', lpad(c.rank::text, 3, '0'), to_char(c.score, 'FM0.0000'),
	              CASE WHEN (m.m).converged THEN to_char((m.m).theta_e, 'FM0.00') ELSE 'nofit' END) AS name
	FROM   candidates c JOIN objects o USING (object_id) JOIN models m USING (object_id)
	WHERE  c.rank <= :gallery
)
SELECT name || '.png',
       translate(encode(sg_to_png(stamp, ARRAY['g','r','i'], q => 8), 'base64'), E'\n', '')
FROM   g
UNION ALL
SELECT name || '_arcs.png',
       translate(encode(sg_to_png(lens_model_residual(stamp, (m).params - 'source'), ARRAY['g','r','i'], q => 8),
                        'base64'), E'\n', '')
FROM   g
WHERE  (m).converged
UNION ALL
SELECT name || '_resid.png',
       translate(encode(sg_to_png(lens_model_residual(stamp, (m).params), ARRAY['g','r','i'], q => 8),
                        'base64'), E'\n', '')
FROM   g
WHERE  (m).converged;
