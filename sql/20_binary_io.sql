-- Binary send/recv: COPY BINARY round trips and malformed binary input.
COPY stamps TO '/tmp/sglens_regress/stamps.bin' (FORMAT binary);
TRUNCATE stamps_copy;
COPY stamps_copy FROM '/tmp/sglens_regress/stamps.bin' (FORMAT binary);
SELECT s.id, s.img = c.img AS binary_round_trip FROM stamps s JOIN stamps_copy c USING (id) ORDER BY id;

-- the wire form of a one-pixel stamp, field by field
SELECT encode(sgimage_send('SGIMAGE/1 1x1x1 scale=0.25 bands=g data=AACAPw=='), 'hex');

-- write a COPY BINARY file holding one field with the given bytes
CREATE FUNCTION copy_binary_file(payload bytea, path text) RETURNS void LANGUAGE sql AS $$
	SELECT write_server_file(
		'\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea ||
		'\x0001'::bytea || int4send(length(payload)) || payload || '\xffff'::bytea, path)
$$;
CREATE TABLE recv_target (img sgimage);
CREATE FUNCTION try_recv(payload bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM copy_binary_file(payload, '/tmp/sglens_regress/recv.bin');
	RETURN sg_test_error($q$COPY recv_target FROM '/tmp/sglens_regress/recv.bin' (FORMAT binary)$q$);
END $$;

-- a valid payload is accepted
SELECT try_recv(sgimage_send(img)) FROM stamps WHERE id = 2;
SELECT count(*) FROM recv_target;
-- truncated anywhere
SELECT n, try_recv(substring(sgimage_send(img) FROM 1 FOR n))
FROM stamps, (VALUES (0), (3), (20), (45), (50), (60), (200)) v(n) WHERE id = 2 ORDER BY n;
-- trailing bytes
SELECT try_recv(sgimage_send(img) || '\x00'::bytea) FROM stamps WHERE id = 2;
-- garbage
SELECT try_recv('\xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef'::bytea);
-- unknown version and flags
SELECT try_recv('\x0002'::bytea || substring(sgimage_send(img) FROM 3)) FROM stamps WHERE id = 3;
SELECT try_recv('\x00010002'::bytea || substring(sgimage_send(img) FROM 5)) FROM stamps WHERE id = 3;
-- a header that claims a huge image is refused before anything is allocated
SELECT try_recv('\x00010000000020000000200000000001'::bytea || substring(sgimage_send(img) FROM 17))
FROM stamps WHERE id = 3;
SELECT try_recv('\x00010000000010000000100000000001'::bytea || substring(sgimage_send(img) FROM 17))
FROM stamps WHERE id = 3;
-- bad metadata values: zero pixel scale, Inf pixel
SELECT try_recv(overlay(sgimage_send(img) PLACING '\x0000000000000000'::bytea FROM 17)) FROM stamps WHERE id = 3;
SELECT try_recv(overlay(sgimage_send(img) PLACING '\x7f800000'::bytea FROM length(sgimage_send(img)) - 3))
FROM stamps WHERE id = 3;
-- bad band name bytes
SELECT try_recv(overlay(sgimage_send(img) PLACING '\x2f'::bytea FROM 42)) FROM stamps WHERE id = 3;
SELECT count(*) FROM recv_target;
