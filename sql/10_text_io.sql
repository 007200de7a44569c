-- Text input/output: exact round trips and every kind of malformed input.
SELECT 'SGIMAGE/1 1x1x1 scale=0.25 bands=g data=AACAPw=='::sgimage;
SELECT '  SGIMAGE/1   2x1x1 bands=VIS data=AACAPwAAwH8= scale=0.1  center=0,-90 zp=25.5 '::sgimage;
SELECT img::text FROM stamps WHERE id = 3;

-- every stored stamp survives text output and input bit for bit
SELECT id, (img::text)::sgimage = img AS text_round_trip FROM stamps ORDER BY id;
-- NaN pixels stay NaN (masked); float4 values keep every bit
SELECT sg_to_array(img) FROM stamps WHERE id = 3;
SELECT sg_to_array(('SGIMAGE/1 1x1x1 scale=1 bands=g data=' ||
	encode(decode('01000000', 'hex'), 'base64'))::sgimage);

-- COPY text out and back in
COPY stamps TO '/tmp/sglens_regress/stamps.txt';
CREATE TABLE stamps_copy (LIKE stamps);
COPY stamps_copy FROM '/tmp/sglens_regress/stamps.txt';
SELECT s.id, s.img = c.img AS copy_round_trip FROM stamps s JOIN stamps_copy c USING (id) ORDER BY id;

-- malformed text
SELECT sg_test_error($$SELECT ''::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/2 1x1x1'::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1'::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1 scale=1 bands=g data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 -1x1x1 scale=1 bands=g data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 0x1x1 scale=1 bands=g data='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 bands=g data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 bands=g'::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 scale=1 bands=g data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 colour=red bands=g data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=fast bands=g data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=0 bands=g data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 bands=g,r data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x2 scale=1 bands=g,g data=AACAPwAAgD8='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 bands=g/r data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 bands=g zp=1,2 data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 bands=g noise=-1 data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 bands=g fwhm=Infinity data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 center=360,0 bands=g data=AACAPw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 center=10,-91 bands=g data=AACAPw=='::sgimage$$);
-- truncated, trailing and corrupt pixel data
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 bands=g data=AACA'::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 bands=g data=AACAPw==AAAA'::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 bands=g data=AAC!Pw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 bands=g data=AACAPw== extra'::sgimage$$);
-- +Inf and -Inf pixels are refused (NaN is the mask)
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 bands=g data=AACAfw=='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x1 scale=1 bands=g data=AACA/w=='::sgimage$$);
-- sizes over the documented limits (8192 per side, 16 bands, 32 Mi pixels)
SELECT sg_test_error($$SELECT 'SGIMAGE/1 8193x1x1 scale=1 bands=g data='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 1x1x17 scale=1 bands=g data='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 8192x8192x1 scale=1 bands=g data='::sgimage$$);
SELECT sg_test_error($$SELECT 'SGIMAGE/1 99999999999999x1x1 scale=1 bands=g data='::sgimage$$);
