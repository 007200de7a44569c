-- ---------------------------------------------------------------------------
-- Survey presets for simulated lens images: one row per survey (camera) and
-- one row per band.  Simulated pixels are in electrons per second, so a band
-- is described by its zero point for 1 e-/s, sky brightness, PSF FWHM and
-- exposures.  Where each figure comes from, and which are estimates, is in
-- docs/surveys.md.  Users may add their own rows; the shipped ones are
-- rewritten by the extension script and are not dumped by pg_dump.
-- ---------------------------------------------------------------------------

CREATE TABLE sglens_survey (
	name text PRIMARY KEY,
	pixel_scale float8 NOT NULL CHECK (pixel_scale > 0),
	read_noise float8 NOT NULL CHECK (read_noise >= 0),
	gain float8 NOT NULL CHECK (gain > 0),
	description text,
	reference text
);
COMMENT ON TABLE sglens_survey IS
	'survey presets for simulated images: camera properties; bands are in sglens_survey_band';
COMMENT ON COLUMN sglens_survey.name IS 'preset name, e.g. LSST, Euclid, CSST, HSC, DES, KiDS';
COMMENT ON COLUMN sglens_survey.pixel_scale IS 'pixel scale in arcsec per pixel';
COMMENT ON COLUMN sglens_survey.read_noise IS 'read noise in electrons per pixel per exposure';
COMMENT ON COLUMN sglens_survey.gain IS
	'CCD gain in electrons per ADU (pixel values are e-/s, so it only matters when converting to ADU)';
COMMENT ON COLUMN sglens_survey.description IS 'what the preset stands for (telescope, camera, survey layer)';
COMMENT ON COLUMN sglens_survey.reference IS 'where the figures come from (docs/surveys.md has them per figure)';

CREATE TABLE sglens_survey_band (
	survey text REFERENCES sglens_survey(name) ON UPDATE CASCADE ON DELETE CASCADE,
	band text NOT NULL,
	band_order int NOT NULL,
	zeropoint float8 NOT NULL,
	sky_mag float8 NOT NULL,
	psf_fwhm float8 NOT NULL CHECK (psf_fwhm > 0),
	exposure_time float8 NOT NULL CHECK (exposure_time > 0),
	n_exposures int NOT NULL CHECK (n_exposures > 0),
	PRIMARY KEY (survey, band),
	UNIQUE (survey, band_order)
);
COMMENT ON TABLE sglens_survey_band IS
	'survey presets: per-band zero point, sky, PSF and exposures; flux = 10^(-0.4 (m - zeropoint)) e-/s';
COMMENT ON COLUMN sglens_survey_band.survey IS 'the preset (sglens_survey.name) this band belongs to';
COMMENT ON COLUMN sglens_survey_band.band IS 'band name as used in stamps (1-15 characters of A-Z a-z 0-9 _ . + -)';
COMMENT ON COLUMN sglens_survey_band.band_order IS 'position of the band in simulated stamps (ascending)';
COMMENT ON COLUMN sglens_survey_band.zeropoint IS
	'instrumental zero point: AB magnitude of a source giving 1 electron per second in total';
COMMENT ON COLUMN sglens_survey_band.sky_mag IS 'sky surface brightness in AB mag per square arcsec';
COMMENT ON COLUMN sglens_survey_band.psf_fwhm IS 'typical (median) PSF FWHM in arcsec';
COMMENT ON COLUMN sglens_survey_band.exposure_time IS 'exposure time of one exposure in seconds';
COMMENT ON COLUMN sglens_survey_band.n_exposures IS
	'number of exposures at full survey depth; total time = exposure_time * n_exposures';

INSERT INTO sglens_survey (name, pixel_scale, read_noise, gain, description, reference) VALUES
	('LSST', 0.2, 9.0, 1.6,
	 'Rubin Observatory LSST, LSSTCam, 10-year wide-fast-deep depth',
	 'SMTN-002 (2024, throughputs v1.9); Ivezic et al. 2019 (LSST overview)'),
	('Euclid', 0.1, 4.4, 3.4,
	 'Euclid VIS imager, Euclid Wide Survey depth (4 nominal exposures)',
	 'Euclid Consortium VIS description; VIS instrument model (Niemi, MSSL); Euclid Q1 VIS processing paper (2025)'),
	('CSST', 0.074, 5.0, 1.0,
	 'China Space Station Telescope survey camera, wide survey; NUV, u and y partly estimated',
	 'Cao et al. 2024 (CSST lensing forecast); Gong et al. 2019; Zhan 2021'),
	('HSC', 0.168, 4.5, 3.0,
	 'Subaru Hyper Suprime-Cam, HSC-SSP Wide layer',
	 'Subaru HSC instrument parameters; Aihara et al. 2018, 2022 (PDR3); LSST Science Pipelines HSC PDR2 fiducials'),
	('DES', 0.263, 7.0, 4.0,
	 'Dark Energy Survey wide field, DECam on the Blanco 4 m, 10 tilings',
	 'lenstronomy DES configuration; Abbott et al. 2018 (DES DR1)'),
	('KiDS', 0.214, 5.0, 2.5,
	 'Kilo-Degree Survey, OmegaCAM on the VST; zero points and i-band sky estimated from DR4 depths',
	 'Kuijken et al. 2019 (DR4); de Jong et al. 2013, 2015');

INSERT INTO sglens_survey_band
	(survey, band, band_order, zeropoint, sky_mag, psf_fwhm, exposure_time, n_exposures) VALUES
	('LSST', 'u', 1, 26.52, 23.05, 0.90, 30, 56),
	('LSST', 'g', 2, 28.51, 22.25, 0.85, 15, 160),
	('LSST', 'r', 3, 28.36, 21.20, 0.81, 15, 368),
	('LSST', 'i', 4, 28.17, 20.46, 0.79, 15, 368),
	('LSST', 'z', 5, 27.78, 19.61, 0.77, 15, 320),
	('LSST', 'y', 6, 26.82, 18.60, 0.75, 15, 320),
	('Euclid', 'VIS', 1, 25.45, 22.35, 0.16, 565, 4),
	('CSST', 'NUV', 1, 24.67, 25.61, 0.18, 150, 4),
	('CSST', 'u', 2, 25.11, 23.82, 0.18, 150, 2),
	('CSST', 'g', 3, 26.23, 22.57, 0.18, 150, 2),
	('CSST', 'r', 4, 26.04, 22.10, 0.18, 150, 2),
	('CSST', 'i', 5, 25.85, 21.87, 0.19, 150, 2),
	('CSST', 'z', 6, 25.27, 21.86, 0.22, 150, 2),
	('CSST', 'y', 7, 23.76, 21.68, 0.23, 150, 4),
	('HSC', 'g', 1, 28.24, 22.04, 0.79, 150, 4),
	('HSC', 'r', 2, 28.29, 21.24, 0.75, 150, 4),
	('HSC', 'i', 3, 28.13, 20.28, 0.61, 200, 6),
	('HSC', 'z', 4, 27.26, 19.55, 0.68, 200, 6),
	('HSC', 'y', 5, 26.82, 18.40, 0.68, 200, 6),
	('DES', 'g', 1, 26.58, 22.01, 1.12, 90, 10),
	('DES', 'r', 2, 26.78, 21.15, 0.96, 90, 10),
	('DES', 'i', 3, 26.75, 19.89, 0.88, 90, 10),
	('DES', 'z', 4, 26.48, 18.72, 0.84, 90, 10),
	('DES', 'Y', 5, 25.40, 17.96, 0.90, 45, 10),
	('KiDS', 'g', 1, 25.53, 22.20, 0.85, 180, 5),
	('KiDS', 'r', 2, 25.38, 21.30, 0.70, 360, 5),
	('KiDS', 'i', 3, 25.18, 19.23, 0.85, 240, 5);

-- pg_dump keeps rows users add; the shipped presets come back with the extension.
SELECT pg_catalog.pg_extension_config_dump('sglens_survey',
	'WHERE name NOT IN (''LSST'',''Euclid'',''CSST'',''HSC'',''DES'',''KiDS'')');
SELECT pg_catalog.pg_extension_config_dump('sglens_survey_band',
	'WHERE survey NOT IN (''LSST'',''Euclid'',''CSST'',''HSC'',''DES'',''KiDS'')');

-- simulate_lens() reads the presets as the calling user: everyone may read them
GRANT SELECT ON sglens_survey, sglens_survey_band TO PUBLIC;
