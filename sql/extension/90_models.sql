-- ---------------------------------------------------------------------------
-- The model registry and lens finding.  See docs/lens_score.md.
-- ---------------------------------------------------------------------------

CREATE TABLE sglens_model (
	name text NOT NULL,
	version text NOT NULL,
	task text NOT NULL CHECK (task IN ('finder', 'modeller')),
	kind text NOT NULL CHECK (kind IN ('cnn', 'baseline')),
	bands text[] NOT NULL,
	input_size integer NOT NULL CHECK (input_size > 0),
	pixel_scale float8 NOT NULL CHECK (pixel_scale > 0),
	weights bytea NOT NULL,
	metrics jsonb,
	is_default boolean NOT NULL DEFAULT false,
	shipped boolean NOT NULL DEFAULT false,
	created timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (name, version)
);
ALTER TABLE sglens_model ALTER COLUMN weights SET STORAGE EXTERNAL;
CREATE UNIQUE INDEX sglens_model_one_default ON sglens_model (task, bands, pixel_scale) WHERE is_default;
COMMENT ON TABLE sglens_model IS
	'registry of lens finders and modellers: a registered (name, version) never changes';
COMMENT ON COLUMN sglens_model.is_default IS
	'the model used when none is named, for stamps with these bands and pixel scale (one per task, bands, pixel scale)';
COMMENT ON COLUMN sglens_model.metrics IS 'evaluation figures of the model (held-out AUROC, TPR0, TPR10, ...)';
GRANT SELECT ON sglens_model TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sglens_model', 'WHERE NOT shipped');

CREATE FUNCTION sglens_model_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF (NEW.name, NEW.version, NEW.task, NEW.kind, NEW.bands, NEW.input_size, NEW.pixel_scale, NEW.weights)
		IS DISTINCT FROM
	   (OLD.name, OLD.version, OLD.task, OLD.kind, OLD.bands, OLD.input_size, OLD.pixel_scale, OLD.weights) THEN
		RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
			MESSAGE = format('model %s version %s is registered and cannot change', OLD.name, OLD.version),
			HINT = 'Register a new version instead.';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER sglens_model_immutable BEFORE UPDATE ON sglens_model
	FOR EACH ROW EXECUTE FUNCTION sglens_model_immutable();

CREATE FUNCTION sg_model_header(weights bytea, OUT name text, OUT version text, OUT kind text,
	OUT bands text[], OUT input_size integer, OUT pixel_scale float8, OUT task text)
	AS 'MODULE_PATHNAME', 'sglens_model_header' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_model_header(bytea) IS
	'name, version, kind, input spec and task (finder or modeller) of a model file, after checking the whole file';

CREATE FUNCTION sg_shipped_model(file text) RETURNS bytea
	AS 'MODULE_PATHNAME', 'sglens_shipped_model' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_shipped_model(text) IS 'the bytes of a model file installed with the extension';

CREATE FUNCTION sg_register_model(weights bytea, task text DEFAULT NULL,
	make_default boolean DEFAULT false, metrics jsonb DEFAULT NULL, shipped boolean DEFAULT false)
	RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	h record;
BEGIN
	h := sg_model_header(weights);
	IF task IS NULL THEN
		task := h.task;
	ELSIF task IS DISTINCT FROM h.task THEN
		RAISE EXCEPTION USING ERRCODE = 'wrong_object_type',
			MESSAGE = format('model %s version %s is a %s, not a %s', h.name, h.version, h.task, task);
	END IF;
	IF EXISTS (SELECT 1 FROM sglens_model m WHERE m.name = h.name AND m.version = h.version) THEN
		RAISE EXCEPTION USING ERRCODE = 'duplicate_object',
			MESSAGE = format('model %s version %s is already registered', h.name, h.version),
			HINT = 'A registered version never changes; give the new file a new version.';
	END IF;
	IF make_default THEN
		UPDATE sglens_model m SET is_default = false
		WHERE m.is_default AND m.task = sg_register_model.task AND m.bands = h.bands
			AND m.pixel_scale = h.pixel_scale;
	END IF;
	INSERT INTO sglens_model (name, version, task, kind, bands, input_size, pixel_scale, weights,
		metrics, is_default, shipped)
	VALUES (h.name, h.version, task, h.kind, h.bands, h.input_size, h.pixel_scale, weights,
		metrics, make_default, shipped);
	RETURN h.name || ' ' || h.version;
END $$;
COMMENT ON FUNCTION sg_register_model(bytea, text, boolean, jsonb, boolean) IS
	'register a model file (sglens weights or classic baseline) as a finder or modeller (by default what the file says); optionally make it the default for its task, bands and pixel scale';

-- The one definition of which registered model a function uses (lens_score
-- and lens_model call it from C; sg_finder_for for provenance): without a
-- model name, the task's default model whose bands the stamp has and whose
-- pixel scale it matches to 0.1% (SG_NN_SCALE_TOLERANCE), preferring the one
-- that uses the most bands; with a name, that model's given version, else its
-- default or newest version.
CREATE FUNCTION sg_model_for(task text, bands text[], pixel_scale float8,
	model_name text DEFAULT NULL, model_version text DEFAULT NULL,
	OUT name text, OUT version text)
	LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT m.name, m.version
	FROM sglens_model m
	WHERE m.task = sg_model_for.task
		AND CASE WHEN model_name IS NULL
			THEN m.is_default AND m.bands <@ sg_model_for.bands
				AND abs(m.pixel_scale - sg_model_for.pixel_scale) <= 1e-3 * m.pixel_scale
			ELSE m.name = model_name AND (model_version IS NULL OR m.version = model_version) END
	ORDER BY cardinality(m.bands) DESC, m.is_default DESC, m.created DESC, m.version DESC
	LIMIT 1;
END;
COMMENT ON FUNCTION sg_model_for(text, text[], float8, text, text) IS
	'the registered model (name, version) of a task that a stamp with these bands and pixel scale gets, by default or by name; NULLs when none';

CREATE FUNCTION lens_score(img sgimage, model text DEFAULT NULL, passes int DEFAULT NULL) RETURNS float4
	AS 'MODULE_PATHNAME', 'sglens_lens_score' LANGUAGE C STABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION lens_score(sgimage, text, int) IS
	'probability in [0, 1] that the stamp shows a strong lens, from the named finder or the default one for its bands and pixel scale; passes 4: the mean over the four 90° rotations; 1: one pass in the canonical orientation (4x faster); NULL (default): that one pass, and the four-rotation mean where it gives at least 0.1';

CREATE FUNCTION lens_score(img sgimage, model text, version text, passes int DEFAULT NULL) RETURNS float4
	AS 'MODULE_PATHNAME', 'sglens_lens_score' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION lens_score(sgimage, text, text, int) IS
	'probability that the stamp shows a strong lens, from one fixed, registered model version (passes as in the other form)';

CREATE FUNCTION sg_blas_info() RETURNS text
	AS 'MODULE_PATHNAME', 'sglens_blas_info' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION sg_blas_info() IS 'the OpenBLAS build, the CPU kernel it uses and its thread count in this backend, and the instruction set of sglens''s own kernels';
