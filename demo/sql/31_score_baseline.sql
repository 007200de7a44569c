-- For comparison: the classic baseline finder (image features + logistic regression, like the
-- non-CNN entries of the 2019 lens-finding challenge) on the same stamps, by name.
SET max_parallel_workers_per_gather = :workers;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;

CREATE TABLE baseline_scores AS
SELECT object_id, lens_score(stamp, 'sglens-baseline-ground') AS score
FROM   objects;
ALTER TABLE baseline_scores ADD PRIMARY KEY (object_id);
