-- The demo's summary, computed from the tables (nothing here is typed in by hand).  Each query
-- prints lines of text; the truth tables are used only here and in the gallery, to grade.

-- The survey.
SELECT format('survey        %s objects (LSST g, r, i stamps) in a 10° × 10° patch at ra 355..5, dec -10..0; %s true lenses (%s%%)',
              count(*), count(*) FILTER (WHERE is_lens),
              round(100.0 * count(*) FILTER (WHERE is_lens) / count(*), 2))
FROM truth;
SELECT format('              non-lenses by kind: %s',
              string_agg(kind || ' ' || n, ', ' ORDER BY n DESC, kind))
FROM (SELECT kind, count(*) AS n FROM truth WHERE NOT is_lens GROUP BY kind) k;
SELECT format('catalogues    photometry for %s objects; %s spectra: %s of survey objects (%s of them lenses), %s of other sources',
              (SELECT count(*) FROM photometry), count(*), count(st.object_id),
              count(*) FILTER (WHERE t.is_lens), count(*) FILTER (WHERE st.object_id IS NULL))
FROM spec_truth st LEFT JOIN truth t USING (object_id);
SELECT format('storage       objects %s (%s per stamp, stored out of line), the whole database %s',
              pg_size_pretty(pg_total_relation_size('objects')),
              pg_size_pretty(pg_total_relation_size('objects') / greatest((SELECT count(*) FROM objects), 1)),
              pg_size_pretty(pg_database_size(current_database())));

-- AUROC, the area under the ROC curve, from the Mann-Whitney U statistic: the probability that
-- a random true lens scores higher than a random non-lens.  With the scores ranked from lowest
-- (1) to highest, tied scores sharing their mean rank,
--   AUROC = (sum of the lenses' ranks - n_lens (n_lens + 1) / 2) / (n_lens n_nonlens).
CREATE FUNCTION pg_temp.auroc(t regclass) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE a float8;
BEGIN
	EXECUTE format($q$
		WITH ranked AS (
			SELECT tr.is_lens,
			       rank() OVER (ORDER BY s.score)
			       + (count(*) OVER (PARTITION BY s.score) - 1) / 2.0 AS midrank
			FROM   %s s JOIN truth tr USING (object_id))
		SELECT (sum(midrank) FILTER (WHERE is_lens)
		        - count(*) FILTER (WHERE is_lens) * (count(*) FILTER (WHERE is_lens) + 1) / 2.0)
		       / (count(*) FILTER (WHERE is_lens) * count(*) FILTER (WHERE NOT is_lens))::float8
		FROM ranked$q$, t) INTO a;
	RETURN a;
END $$;
SELECT format('finder        %s %s: AUROC %s over the whole survey (the classic baseline finder on the same stamps: %s)',
              (SELECT finder FROM scores LIMIT 1), (SELECT finder_version FROM scores LIMIT 1),
              round(pg_temp.auroc('scores')::numeric, 4), round(pg_temp.auroc('baseline_scores')::numeric, 4));

-- Lenses recovered and false positives for three selections: two fixed score thresholds, and
-- the candidates (the top of the ranking) that were modelled.
SELECT format('%-22s %9s %24s %16s %8s', 'selection', 'selected', 'true lenses recovered', 'false positives', 'purity');
WITH sel AS (
	SELECT 1 AS o, 'score > 0.5' AS name, s.object_id FROM scores s WHERE s.score > 0.5
	UNION ALL
	SELECT 2, 'score > 0.9', s.object_id FROM scores s WHERE s.score > 0.9
	UNION ALL
	SELECT 3, format('top %s (candidates)', (SELECT count(*) FROM candidates)), object_id FROM candidates
), names(o, name) AS (VALUES (1, 'score > 0.5'), (2, 'score > 0.9'),
                             (3, format('top %s (candidates)', (SELECT count(*) FROM candidates))))
SELECT format('%-22s %9s %24s %16s %8s', n.name, count(sel.object_id),
              format('%s / %s (%s%%)', count(*) FILTER (WHERE t.is_lens),
                     (SELECT count(*) FROM truth WHERE is_lens),
                     round(100.0 * count(*) FILTER (WHERE t.is_lens)
                           / nullif((SELECT count(*) FROM truth WHERE is_lens), 0), 1)),
              count(*) FILTER (WHERE NOT t.is_lens),
              coalesce(round(100.0 * count(*) FILTER (WHERE t.is_lens) / nullif(count(sel.object_id), 0), 1) || '%', '–'))
FROM   names n LEFT JOIN sel USING (o) LEFT JOIN truth t USING (object_id)
GROUP  BY n.o, n.name ORDER BY n.o;
SELECT format('              false positives among the candidates, by kind: %s',
              coalesce(string_agg(kind || ' ' || n, ', ' ORDER BY n DESC, kind), 'none'))
FROM (SELECT t.kind, count(*) AS n FROM candidates c JOIN truth t USING (object_id)
      WHERE NOT t.is_lens GROUP BY t.kind) k;

-- Modelling: how well lens_model() recovers the Einstein radius of the true lenses among the
-- candidates, against the simulation's theta_E (the sampler's params).  The relative error is
-- |theta_E(fit) - theta_E(true)| / theta_E(true), over the fits that converged (a fit that did not
-- converge says why in its note, and its values are only where the optimiser stopped);
-- "within 1 sigma" checks the fit's own error bar.
SELECT format('modelling     method %s: %s candidates modelled, %s converged (%s of %s true lenses, %s of %s non-lenses)%s',
              (SELECT (m).method FROM models LIMIT 1), count(*), count(*) FILTER (WHERE (m).converged),
              count(*) FILTER (WHERE (m).converged AND t.is_lens), count(*) FILTER (WHERE t.is_lens),
              count(*) FILTER (WHERE (m).converged AND NOT t.is_lens), count(*) FILTER (WHERE NOT t.is_lens),
              CASE WHEN count(*) FILTER (WHERE (m).note LIKE 'error: %') > 0
                   THEN format('; %s failed with an error: %s', count(*) FILTER (WHERE (m).note LIKE 'error: %'),
                               string_agg(DISTINCT substr((m).note, 8), '; ') FILTER (WHERE (m).note LIKE 'error: %'))
                   ELSE '' END)
FROM models JOIN truth t USING (object_id);
SELECT format('              true lenses whose fit did not converge: %s',
              coalesce(string_agg(format('%s × "%s"', n, note), ', ' ORDER BY n DESC, note), 'none'))
FROM (SELECT coalesce((m).note, '?') AS note, count(*) AS n
      FROM models JOIN truth t USING (object_id)
      WHERE t.is_lens AND (m).converged IS NOT TRUE GROUP BY 1) k;
WITH e AS (
	SELECT abs((m).theta_e - t.theta_e) / t.theta_e AS rel,
	       abs((m).theta_e - t.theta_e) <= (m).theta_e_err AS within
	FROM   models JOIN truth t USING (object_id)
	WHERE  t.is_lens AND (m).converged
)
SELECT format('theta_E       converged fits of true lenses (n = %s): median |relative error| %s%%, 68th percentile %s%%, truth within the 1σ error in %s%%',
              count(*),
              coalesce(round(100 * percentile_cont(0.5) WITHIN GROUP (ORDER BY rel)::numeric, 1)::text, '–'),
              coalesce(round(100 * percentile_cont(0.68) WITHIN GROUP (ORDER BY rel)::numeric, 1)::text, '–'),
              coalesce(round(100.0 * count(*) FILTER (WHERE within) / nullif(count(*), 0), 0)::text, '–'))
FROM e;

-- The cross-match, graded with spec_truth: a match is right when the spectrum was taken of
-- that object.
SELECT format('cross-match   %s spectra: %s matched an object within 1″ (%s to the object they were taken of); %s of %s spectra of other sources matched; %s of %s candidates have a redshift (%s of them true lenses)',
              count(*), count(m.object_id), count(*) FILTER (WHERE m.object_id = st.object_id),
              count(m.object_id) FILTER (WHERE st.object_id IS NULL), count(*) FILTER (WHERE st.object_id IS NULL),
              (SELECT count(spec_id) FROM candidate_redshifts), (SELECT count(*) FROM candidates),
              (SELECT count(*) FROM candidate_redshifts r JOIN truth t USING (object_id) WHERE r.spec_id IS NOT NULL AND t.is_lens))
FROM spectroscopy s JOIN spec_truth st USING (spec_id) LEFT JOIN spec_matches m USING (spec_id);
