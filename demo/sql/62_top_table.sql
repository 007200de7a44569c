-- The ten best candidates as a table: the finder's score, the fitted Einstein radius and
-- external shear with 1-sigma errors, the redshift of the matched spectrum, and the truth.
SELECT c.rank, c.object_id, round(o.ra::numeric, 4) AS ra, round(o."dec"::numeric, 4) AS "dec",
       round(c.score::numeric, 4) AS score,
       CASE WHEN (m.m).converged
            THEN round((m.m).theta_e::numeric, 3) || ' ± ' || round((m.m).theta_e_err::numeric, 3) END AS theta_e,
       CASE WHEN (m.m).converged
            THEN round(sqrt((m.m).gamma1 ^ 2 + (m.m).gamma2 ^ 2)::numeric, 3) END AS shear,
       coalesce((m.m).note, 'converged') AS fit,
       round(r.z::numeric, 4) AS z_spec,
       CASE WHEN t.is_lens THEN 'lens, θE ' || round(t.theta_e::numeric, 3) ELSE t.kind END AS truth
FROM   candidates c
JOIN   objects o USING (object_id)
JOIN   models m USING (object_id)
JOIN   truth t USING (object_id)
LEFT   JOIN candidate_redshifts r USING (object_id)
WHERE  c.rank <= 10
ORDER  BY c.rank;
