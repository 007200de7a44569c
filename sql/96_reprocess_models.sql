-- The optional modelling step of reprocessing: sg_reprocess_models runs
-- lens_model() on the scored rows above a score, in committed batches, into
-- the results table, and re-models rows when the default modeller changes.

-- this test uses the newest shipped finders and modellers
CREATE TEMP TABLE remodel_saved_defaults AS SELECT name, version FROM sglens_model WHERE is_default;
UPDATE sglens_model SET is_default = false WHERE is_default;
UPDATE sglens_model SET is_default = true WHERE shipped AND name LIKE 'sglens-finder-%'
	AND (name, version) IN (SELECT name, max(version) FROM sglens_model GROUP BY name);
UPDATE sglens_model SET is_default = true WHERE shipped AND name LIKE 'sglens-modeller-%'
	AND (name, version) IN (SELECT name, max(version) FROM sglens_model GROUP BY name);

CREATE TABLE remodel_stamps (object_id int PRIMARY KEY, stamp sgimage);
INSERT INTO remodel_stamps
SELECT id, image FROM simulate_lens_sample(6, 'LSST', 601, lens_fraction => 0.5, bands => ARRAY['g', 'r', 'i'], size => 48)
UNION ALL
SELECT 100, sg_crop(simulate_lens('{}', 'LSST', 48, 4, bands => ARRAY['g', 'r', 'i']), 14);
SET client_min_messages = warning;
CALL sg_reprocess('remodel_stamps', batch_size => 10);
RESET client_min_messages;

-- every row scored at least 0 (all but the failed one) gets a CNN model
-- from the default modeller, with its version
CALL sg_reprocess_models('remodel_stamps', min_score => 0, method => 'cnn', batch_size => 3);
SELECT object_id, score IS NOT NULL AS scored, (lens_model).model, (lens_model).theta_e > 0 AS theta_e,
	modelled_at IS NOT NULL AS modelled, model_error
FROM remodel_stamps_lens_results ORDER BY object_id;
-- nothing left to do
CALL sg_reprocess_models('remodel_stamps', min_score => 0, method => 'cnn');

-- a new default modeller: every row is modelled again with it
SELECT sg_register_model(pg_read_binary_file('/tmp/sglens_regress/sglens-test-modeller.sgw'), make_default => true);
CALL sg_reprocess_models('remodel_stamps', min_score => 0, method => 'cnn', batch_size => 4);
SELECT (lens_model).model, count(*) FROM remodel_stamps_lens_results GROUP BY 1 ORDER BY 1;
DELETE FROM sglens_model WHERE name = 'sglens-test-modeller';
UPDATE sglens_model SET is_default = true WHERE name = 'sglens-modeller-ground'
	AND version = (SELECT max(version) FROM sglens_model WHERE name = 'sglens-modeller-ground');

-- a score threshold keeps the fits to the candidates; 'fit' needs no modeller
UPDATE remodel_stamps_lens_results SET lens_model = NULL, modelled_at = NULL;
ALTER TABLE remodel_stamps_lens_results ADD COLUMN my_note text;
CALL sg_reprocess_models('remodel_stamps', min_score => 0.9, method => 'fit', survey => 'LSST');
SELECT count(*) FILTER (WHERE score >= 0.9) AS candidates,
	count(*) FILTER (WHERE modelled_at IS NOT NULL) AS modelled,
	bool_and((lens_model).method = 'fit' AND (lens_model).model IS NULL) FILTER (WHERE modelled_at IS NOT NULL) AS by_fit,
	bool_and(modelled_at IS NULL) FILTER (WHERE score < 0.9) AS others_left
FROM remodel_stamps_lens_results;

-- bad arguments
SELECT sg_test_error($$CALL sg_reprocess_models('remodel_stamps', method => 'mcmc')$$);
SELECT sg_test_error($$CALL sg_reprocess_models('remodel_stamps', batch_size => 0)$$);
SELECT sg_test_error($$CALL sg_reprocess_models('no_such_table')$$);
SELECT sg_test_error($$CALL sg_reprocess_models('remodel_stamps', stamp_column => 'nope')$$);
DROP TABLE remodel_stamps, remodel_stamps_lens_results;
UPDATE sglens_model SET is_default = false WHERE is_default;
UPDATE sglens_model m SET is_default = true FROM remodel_saved_defaults d
WHERE (m.name, m.version) = (d.name, d.version);
