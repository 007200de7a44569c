-- ---------------------------------------------------------------------------
-- The models shipped with sglens (files installed next to this script; see
-- models/README.md for how they were trained and evaluated).
-- ---------------------------------------------------------------------------

SELECT sg_register_model(sg_shipped_model('sglens-baseline-ground-v1.sgb'), shipped => true,
	metrics => '{"heldout": "population seed 9001, LSST g,r,i, 10000 stamps, half lenses",
	             "auroc": 0.9166, "tpr0": 0.114, "tpr10": 0.304}');
SELECT sg_register_model(sg_shipped_model('sglens-baseline-space-v1.sgb'), shipped => true,
	metrics => '{"heldout": "population seed 9002, Euclid VIS, 10000 stamps, half lenses",
	             "auroc": 0.8630, "tpr0": 0.102, "tpr10": 0.161}');
-- earlier versions stay registered for results that name them: finders v1
-- (three stages) and space v2 (25,000 steps); the defaults are ground v2 and
-- space v3 (four stages, 25,000 and 45,000 steps)
SELECT sg_register_model(sg_shipped_model('sglens-finder-ground-v1.sgw'), shipped => true,
	metrics => '{"heldout": "population seed 9001, LSST g,r,i, 10000 stamps, half lenses",
	             "auroc": 0.9841, "tpr0": 0.165, "tpr10": 0.611, "baseline_auroc": 0.9166}');
SELECT sg_register_model(sg_shipped_model('sglens-finder-space-v1.sgw'), shipped => true,
	metrics => '{"heldout": "population seed 9002, Euclid VIS, 10000 stamps, half lenses",
	             "auroc": 0.9577, "tpr0": 0.102, "tpr10": 0.341, "baseline_auroc": 0.8630}');
SELECT sg_register_model(sg_shipped_model('sglens-finder-ground-v2.sgw'), make_default => true, shipped => true,
	metrics => '{"heldout": "population seed 9001, LSST g,r,i, 10000 stamps, half lenses",
	             "auroc": 0.9972, "tpr0": 0.664, "tpr10": 0.826, "baseline_auroc": 0.9166}');
SELECT sg_register_model(sg_shipped_model('sglens-finder-space-v2.sgw'), shipped => true,
	metrics => '{"heldout": "population seed 9002, Euclid VIS, 10000 stamps, half lenses",
	             "auroc": 0.9880, "tpr0": 0.592, "tpr10": 0.741, "baseline_auroc": 0.8630}');
SELECT sg_register_model(sg_shipped_model('sglens-finder-space-v3.sgw'), make_default => true, shipped => true,
	metrics => '{"heldout": "population seed 9002, Euclid VIS, 10000 stamps, half lenses",
	             "auroc": 0.9927, "tpr0": 0.572, "tpr10": 0.805, "baseline_auroc": 0.8630}');
-- modellers: ground v1 (the space modeller's architecture) stays registered;
-- ground v2 (wider, 24–192 channels, longer training) is the default
SELECT sg_register_model(sg_shipped_model('sglens-modeller-ground-v1.sgw'), shipped => true,
	metrics => '{"heldout": "population seed 9101, LSST g,r,i, 2000 lenses; see models/EVALUATION-modellers.md"}');
SELECT sg_register_model(sg_shipped_model('sglens-modeller-ground-v2.sgw'), make_default => true, shipped => true,
	metrics => '{"heldout": "population seed 9101, LSST g,r,i, 2000 lenses; see models/EVALUATION-modellers.md"}');
SELECT sg_register_model(sg_shipped_model('sglens-modeller-space-v1.sgw'), make_default => true, shipped => true,
	metrics => '{"heldout": "population seed 9102, Euclid VIS, 2000 lenses; see models/EVALUATION-modellers.md"}');
