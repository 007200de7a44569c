-- A GiST index on the positions: cone searches and cross-matches with sg_within() use it.
CREATE INDEX objects_pos_idx ON objects USING gist (pos);
ANALYZE objects;
ANALYZE truth;
