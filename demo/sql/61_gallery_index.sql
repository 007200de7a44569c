-- The gallery's index page (HTML): one row per candidate, best first, with its images, the
-- finder's score, the lens model with 1-sigma errors, the spectroscopic redshift when the
-- cross-match found one, the aperture photometry, and (from the simulation's truth table) what
-- the object really is.
CREATE FUNCTION pg_temp.h(x text) RETURNS text LANGUAGE sql IMMUTABLE
	RETURN replace(replace(replace(x, '&', '&amp;'), '<', '&lt;'), '>', '&gt;');
-- "value ± error" with d decimals; "–" when there is no value; greyed out when the fit did not
-- converge (its values are then only where the optimiser stopped)
CREATE FUNCTION pg_temp.pm(v float8, e float8, d int, ok boolean) RETURNS text LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN v IS NULL THEN '–'
	            ELSE CASE WHEN ok THEN '' ELSE '<span class="nc">' END
	                 || round(v::numeric, d)::text
	                 || CASE WHEN e IS NULL THEN '' ELSE ' ± ' || round(e::numeric, d)::text END
	                 || CASE WHEN ok THEN '' ELSE '</span>' END END;
-- an image cell, "–" when the image was not made
CREATE FUNCTION pg_temp.img(file text, alt text) RETURNS text LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN file IS NULL THEN '–' ELSE format('<img src="%s" alt="%s">', file, alt) END;

WITH rows AS (
	SELECT c.rank, c.object_id, c.score, o.ra, o."dec", m.m, r.z, r.z_err, r.sep_arcsec,
	       p.mag_i, p.g_r, t.is_lens, t.kind, t.theta_e AS true_theta_e,
	       format('rank%s_score%s_thetaE%s', lpad(c.rank::text, 3, '0'), to_char(c.score, 'FM0.0000'),
	              CASE WHEN (m.m).converged THEN to_char((m.m).theta_e, 'FM0.00') ELSE 'nofit' END) AS name
	FROM   candidates c
	JOIN   objects o USING (object_id)
	JOIN   models m USING (object_id)
	JOIN   photometry p USING (object_id)
	JOIN   truth t USING (object_id)
	LEFT   JOIN candidate_redshifts r USING (object_id)
	WHERE  c.rank <= :gallery
)
SELECT format($html$<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>sglens demo: top lens candidates</title>
<style>
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: right; vertical-align: middle; }
th { background: #eee; }
td.l { text-align: left; }
img { width: 144px; height: 144px; image-rendering: pixelated; }
tr.lens td.truth { background: #d7f5d7; }
tr.notlens td.truth { background: #f8d8d8; }
.nc { color: #999; }
</style></head><body>
<h1>Top %s lens candidates of a mock LSST survey</h1>
<p>%s objects (g, r, i; 48 × 48 pixels of 0.2″) scored by <code>lens_score()</code> with %s;
the best %s modelled by <code>lens_model(…, method =&gt; '%s')</code>%s (SIE + external shear,
Sérsic source and lens light, 1σ errors); redshifts from the spectroscopic catalogue by position
(<code>sg_within(…, 1.0)</code>). Images (9.6″ × 9.6″, north up, east left): i, r, g as red, green,
blue with an asinh stretch; the stamp, the stamp minus the fitted lens light (the arcs), and the
stamp minus the whole fitted model (the residual), the last two for converged fits only. Values of
fits that did not converge are grey.
The last column is the simulation's truth, which a real survey does not have; the demo's printed
summary is in <a href="../summary.txt">summary.txt</a>.</p>
<table>
<tr><th>rank</th><th>stamp</th><th>− lens light</th><th>− model</th><th>object<br>ra, dec (°)</th><th>score</th>
<th>θ<sub>E</sub> (″)</th><th>e1<br>e2</th><th>γ1<br>γ2</th><th>χ²<sub>ν</sub></th><th>fit</th>
<th>z<sub>spec</sub><br>(separation)</th><th>i<sub>ap</sub><br>g − r</th><th>truth</th></tr>
%s
</table></body></html>$html$,
	:gallery, (SELECT count(*) FROM objects),
	(SELECT pg_temp.h(finder || ' ' || finder_version) FROM scores LIMIT 1),
	(SELECT count(*) FROM candidates), (SELECT pg_temp.h((m).method) FROM models LIMIT 1),
	coalesce(' with the modeller ' || (SELECT pg_temp.h((m).model) FROM models WHERE (m).model IS NOT NULL LIMIT 1), ''),
	string_agg(format($row$<tr class="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td>
<td>%s<br>%s, %s</td><td>%s</td><td>%s</td><td>%s<br>%s</td><td>%s<br>%s</td><td>%s</td><td class="l">%s</td>
<td>%s</td><td>%s<br>%s</td><td class="truth l">%s</td></tr>$row$,
		CASE WHEN is_lens THEN 'lens' ELSE 'notlens' END, rank,
		pg_temp.img(name || '.png', 'stamp'),
		pg_temp.img(CASE WHEN (m).converged THEN name || '_arcs.png' END, 'stamp minus lens light'),
		pg_temp.img(CASE WHEN (m).converged THEN name || '_resid.png' END, 'residual'),
		object_id, round(ra::numeric, 5), round("dec"::numeric, 5),
		to_char(score, 'FM0.0000'),
		pg_temp.pm((m).theta_e, (m).theta_e_err, 3, (m).converged),
		pg_temp.pm((m).e1, (m).e1_err, 3, (m).converged), pg_temp.pm((m).e2, (m).e2_err, 3, (m).converged),
		pg_temp.pm((m).gamma1, (m).gamma1_err, 3, (m).converged), pg_temp.pm((m).gamma2, (m).gamma2_err, 3, (m).converged),
		coalesce(pg_temp.pm((m).chi2, NULL, 2, (m).converged), '–'),
		CASE WHEN (m).converged THEN 'converged' ELSE 'not converged: ' || pg_temp.h(coalesce((m).note, '')) END,
		CASE WHEN z IS NULL THEN '–'
		     ELSE format('%s ± %s<br>(%s″)', round(z::numeric, 4), round(z_err::numeric, 4), round(sep_arcsec::numeric, 2)) END,
		coalesce(round(mag_i::numeric, 2)::text, '–'), coalesce(round(g_r::numeric, 2)::text, '–'),
		CASE WHEN is_lens THEN format('lens, θ<sub>E</sub> = %s″', round(true_theta_e::numeric, 3))
		     ELSE pg_temp.h(kind) END),
		E'\n' ORDER BY rank))
FROM rows;
