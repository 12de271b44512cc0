# Python hashlib, hmac, zlib checksums and base64 on fixed data.
import base64
import hashlib
import hmac
import zlib

data = [b"", b"abc", b"The quick brown fox jumps over the lazy dog", bytes(range(256)) * 64]
big = b"".join(i.to_bytes(4, "little") for i in range(1 << 18))  # 1 MiB
names = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s"]
for name in names:
    print(name, [hashlib.new(name, d).hexdigest()[:24] for d in data], hashlib.new(name, big).hexdigest())
print("shake_128", hashlib.shake_128(b"abc").hexdigest(40), hashlib.shake_256(big).hexdigest(16))
h = hashlib.sha256()
for i in range(0, len(big), 4099):
    h.update(big[i:i + 4099])
print("incremental", h.hexdigest() == hashlib.sha256(big).hexdigest(), h.digest_size, h.block_size, h.name)
c = h.copy()
c.update(b"more")
print("copy", c.hexdigest()[:16], h.hexdigest()[:16])
print("blake2b keyed", hashlib.blake2b(b"msg", key=b"secret", digest_size=20, salt=b"salt", person=b"me").hexdigest())
print("hmac", hmac.new(b"key", b"message", "sha256").hexdigest(), hmac.digest(b"k", big, "sha1").hex())
print("compare", hmac.compare_digest(b"abc", b"abc"), hmac.compare_digest("a", "b"))
print("pbkdf2", hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 2000).hex())
print("scrypt", hashlib.scrypt(b"password", salt=b"NaCl", n=1024, r=8, p=1, dklen=32).hex())
print("crc32", zlib.crc32(big), zlib.adler32(big), zlib.crc32(b"abc", 12345))
print("b64", base64.b64encode(data[2]).decode(), base64.b32encode(b"abcde").decode(), base64.b85encode(b"xyz").decode())
print("b64 big", hashlib.md5(base64.b64encode(big)).hexdigest(), base64.b64decode(base64.b64encode(big)) == big)
print("available", all(n in hashlib.algorithms_available for n in names))
