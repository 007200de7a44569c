-- ---------------------------------------------------------------------------
-- Survey tiles on the sky: each tile file's footprint (a geography polygon
-- on the sky sphere, docs/sky.md), a registry of tiles with a GiST index, and
-- multi-band stamps cut on the fly from whichever registered tiles cover a
-- position.  Reading tiles needs sglens.tile_directories, like sg_cutout.
-- See docs/tiles.md.
-- ---------------------------------------------------------------------------

CREATE FUNCTION sg_tile_info(path text, hdu integer DEFAULT 0,
	OUT image_hdu integer, OUT width integer, OUT height integer, OUT band text,
	OUT pixel_scale float8, OUT center_ra float8, OUT center_dec float8,
	OUT outline_ra float8[], OUT outline_dec float8[])
	AS 'MODULE_PATHNAME', 'sgimage_tile_info' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_tile_info(text, integer) IS
	'the image HDU, size, band, pixel scale, centre and outline on the sky (vertices of the outer pixel edge) of a FITS tile file on the server, from its header';

CREATE FUNCTION _sg_tile_polygon(ra float8[], "dec" float8[]) RETURNS geography
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT geography(ST_MakePolygon(ST_MakeLine(v.pts || v.pts[1])))
	FROM (SELECT array_agg(ST_Point(_sg_sky_lon(u.ra, u."dec"), u."dec", 4326) ORDER BY u.i) AS pts
		  FROM unnest(ra, "dec") WITH ORDINALITY AS u(ra, "dec", i)) v;
END;
COMMENT ON FUNCTION _sg_tile_polygon(float8[], float8[]) IS
	'internal: the geography polygon (great-circle edges) through the outline vertices of sg_tile_info';

CREATE FUNCTION sg_tile_footprint(path text, hdu integer DEFAULT 0) RETURNS geography
	LANGUAGE sql VOLATILE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT _sg_tile_polygon(t.outline_ra, t.outline_dec) FROM sg_tile_info(path, hdu) t;
END;
COMMENT ON FUNCTION sg_tile_footprint(text, integer) IS
	'the footprint of a FITS tile file on the server: a geography polygon on the sky (longitude = ra mapped to [-180, 180), latitude = dec)';

CREATE TABLE sglens_tile (
	path text NOT NULL,
	hdu integer NOT NULL,
	band text NOT NULL,
	width integer NOT NULL,
	height integer NOT NULL,
	pixel_scale float8 NOT NULL,
	center geography NOT NULL,
	footprint geography NOT NULL,
	registered timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (path, hdu)
);
CREATE INDEX sglens_tile_footprint_idx ON sglens_tile USING gist (footprint);
COMMENT ON TABLE sglens_tile IS
	'registry of survey tile files on the server and their footprints on the sky (filled by sg_register_tile)';
COMMENT ON COLUMN sglens_tile.hdu IS 'the 1-based HDU holding the tile''s image';
COMMENT ON COLUMN sglens_tile.center IS 'sky position of the tile''s centre point';
COMMENT ON COLUMN sglens_tile.footprint IS 'the outer edge of the tile''s pixels on the sky, GiST-indexed';
GRANT SELECT ON sglens_tile TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sglens_tile', '');

CREATE FUNCTION sg_register_tile(path text, band text DEFAULT NULL, hdu integer DEFAULT 0)
	RETURNS sglens_tile LANGUAGE plpgsql AS $$
DECLARE
	t record;
	r sglens_tile;
BEGIN
	IF path IS NULL OR hdu IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
			MESSAGE = 'sg_register_tile needs a tile path and an HDU number (0 = the first image)';
	END IF;
	t := sg_tile_info(path, hdu);
	IF coalesce(sg_register_tile.band, t.band) IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('tile "%s" names no band (no BAND or FILTER keyword)', path),
			HINT = 'Give the band: sg_register_tile(path, band => ''r'').';
	END IF;
	INSERT INTO sglens_tile AS x (path, hdu, band, width, height, pixel_scale, center, footprint)
	VALUES (sg_register_tile.path, t.image_hdu, coalesce(sg_register_tile.band, t.band), t.width,
		t.height, t.pixel_scale, sg_sky(t.center_ra, t.center_dec),
		_sg_tile_polygon(t.outline_ra, t.outline_dec))
	ON CONFLICT ON CONSTRAINT sglens_tile_pkey DO UPDATE
		SET band = excluded.band, width = excluded.width, height = excluded.height,
			pixel_scale = excluded.pixel_scale, center = excluded.center,
			footprint = excluded.footprint, registered = now()
	RETURNING x.* INTO r;
	RETURN r;
END $$;
COMMENT ON FUNCTION sg_register_tile(text, text, integer) IS
	'add a FITS tile file on the server to sglens_tile (or refresh its row): band from the argument or the header, footprint from its WCS';

-- The tiles covering a position, one per band (the one whose centre is
-- nearest, so that the stamp is least likely to reach past its edge), cut
-- and merged into one stamp in the order of bands.
CREATE FUNCTION sg_tile_stamp(ra float8, "dec" float8, size integer, bands text[] DEFAULT NULL)
	RETURNS sgimage LANGUAGE sql VOLATILE PARALLEL SAFE
BEGIN ATOMIC
	SELECT sg_merge(VARIADIC array_agg(sg_cutout(t.path, ra, "dec", size, t.band, t.hdu)
			ORDER BY array_position(bands, t.band), t.band))
	FROM (SELECT DISTINCT ON (x.band) x.path, x.band, x.hdu
		  FROM sglens_tile x
		  WHERE ST_Covers(x.footprint, sg_sky(ra, "dec")) AND (bands IS NULL OR x.band = ANY (bands))
		  ORDER BY x.band, sg_separation(x.center, sg_sky(ra, "dec")), x.path, x.hdu) t
	HAVING count(*) > 0 AND (bands IS NULL OR count(*) = cardinality(bands));
END;
COMMENT ON FUNCTION sg_tile_stamp(float8, float8, integer, text[]) IS
	'a size x size stamp centred on (ra, dec) cut on the fly from the registered tiles covering it, one band per tile (all bands there, or those named, in that order); NULL when a band has no tile there';
