-- ---------------------------------------------------------------------------
-- The models shipped with sglens (files installed next to this script; see
-- models/README.md for how they were trained and evaluated).
-- ---------------------------------------------------------------------------

-- Earlier versions stay registered for results that name them: finders v1
-- (three stages), space finder v2 (25,000 steps), modellers v1 (16–128
-- channels) and space modeller v2 (24–192 channels; it sees the lens light).
-- Space modeller v4 (v2's channels on the stamp without its lens light) and
-- ground modeller v3 (v1's channels on the stamp without its lens light) are
-- opt-in: their 'cnn' takes about 2 ms.
-- The defaults are finders ground v2 and space v3 (four stages, 25,000 and
-- 45,000 steps) and modellers ground v2 (24–192 channels, 40,000 steps,
-- calibrated) and space v3 (16–128 channels on the stamp without its lens
-- light, 40,000 steps, calibrated).  Held-out sets: finders
-- 10,000 stamps, half lenses (population seeds 9001 LSST g,r,i and 9002
-- Euclid VIS); modellers 2,000 lenses (seeds 9101 and 9102; see
-- models/EVALUATION-modellers.md).
WITH heldout (heldout_set, description) AS (VALUES
	('ground', 'population seed 9001, LSST g,r,i, 10000 stamps, half lenses'),
	('space', 'population seed 9002, Euclid VIS, 10000 stamps, half lenses'),
	('ground modeller', 'population seed 9101, LSST g,r,i, 2000 lenses; see models/EVALUATION-modellers.md'),
	('space modeller', 'population seed 9102, Euclid VIS, 2000 lenses; see models/EVALUATION-modellers.md')
)
SELECT sg_register_model(sg_shipped_model(m.file), make_default => m.make_default, shipped => true,
	metrics => jsonb_build_object('heldout', h.description) || m.figures)
FROM (VALUES
	(1, 'sglens-baseline-ground-v1.sgb', false, 'ground', '{"auroc": 0.9166, "tpr0": 0.114, "tpr10": 0.304}'::jsonb),
	(2, 'sglens-baseline-space-v1.sgb', false, 'space', '{"auroc": 0.8630, "tpr0": 0.102, "tpr10": 0.161}'),
	(3, 'sglens-finder-ground-v1.sgw', false, 'ground', '{"auroc": 0.9841, "tpr0": 0.165, "tpr10": 0.611, "baseline_auroc": 0.9166}'),
	(4, 'sglens-finder-space-v1.sgw', false, 'space', '{"auroc": 0.9577, "tpr0": 0.102, "tpr10": 0.341, "baseline_auroc": 0.8630}'),
	(5, 'sglens-finder-ground-v2.sgw', true, 'ground', '{"auroc": 0.9972, "tpr0": 0.664, "tpr10": 0.826, "baseline_auroc": 0.9166}'),
	(6, 'sglens-finder-space-v2.sgw', false, 'space', '{"auroc": 0.9880, "tpr0": 0.592, "tpr10": 0.741, "baseline_auroc": 0.8630}'),
	(7, 'sglens-finder-space-v3.sgw', true, 'space', '{"auroc": 0.9927, "tpr0": 0.572, "tpr10": 0.805, "baseline_auroc": 0.8630}'),
	(8, 'sglens-modeller-ground-v1.sgw', false, 'ground modeller', '{}'),
	(9, 'sglens-modeller-ground-v2.sgw', true, 'ground modeller', '{}'),
	(10, 'sglens-modeller-space-v1.sgw', false, 'space modeller', '{}'),
	(11, 'sglens-modeller-space-v2.sgw', false, 'space modeller', '{}'),
	(12, 'sglens-modeller-space-v3.sgw', true, 'space modeller', '{}'),
	(13, 'sglens-modeller-space-v4.sgw', false, 'space modeller', '{}'),
	(14, 'sglens-modeller-ground-v3.sgw', false, 'ground modeller', '{}')
) AS m (ord, file, make_default, heldout_set, figures)
JOIN heldout h USING (heldout_set)
ORDER BY m.ord;
