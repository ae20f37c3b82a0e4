/*
 * Second implementation for the optional cross-check in
 * lib/crypto/wolfssl-interop.test.ts: wolfSSL's SAKKE (RFC 6508, parameter
 * set 1) and ECCSI (RFC 6507). Build: cc -o x this.c -lwolfssl
 *
 *   x make <id hex> <message hex>
 *       wolfSSL makes KMS keys, an RSK and an SSK/PVT for the id, SAKKE data
 *       for a random SSV and a signature of the message; prints name=hex lines.
 *   x check <zT> <rsk> <id> <sakke data R||H> <kpak> <signature> <message>
 *       wolfSSL validates our RSK, decapsulates our SAKKE data and verifies our
 *       signature; prints rsk_valid=, ssv=, signature_valid= lines.
 */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/sakke.h>
#include <wolfssl/wolfcrypt/eccsi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(const char *name, const byte *data, word32 len) {
  printf("%s=", name);
  for (word32 i = 0; i < len; i++) printf("%02x", data[i]);
  printf("\n");
}

static word32 unhex(const char *text, byte *out, word32 max) {
  word32 n = (word32)strlen(text) / 2;
  if (n > max) { fprintf(stderr, "input too long\n"); exit(2); }
  for (word32 i = 0; i < n; i++) sscanf(text + 2 * i, "%2hhx", &out[i]);
  return n;
}

#define CHECK(call) do { int rc_ = (call); if (rc_ != 0) { fprintf(stderr, "%s failed: %d\n", #call, rc_); exit(3); } } while (0)

static int make(const char *idHex, const char *msgHex) {
  static byte id[256], msg[4096], buf[1024], ssv[16], auth[512], sig[256];
  word32 idSz = unhex(idHex, id, sizeof id), msgSz = unhex(msgHex, msg, sizeof msg), sz;
  word16 ssvSz = sizeof ssv, authSz = sizeof auth;
  WC_RNG rng;
  SakkeKey sakke;
  EccsiKey eccsi;
  CHECK(wc_InitRng(&rng));

  CHECK(wc_InitSakkeKey_ex(&sakke, 128, ECC_SAKKE_1, NULL, INVALID_DEVID));
  CHECK(wc_MakeSakkeKey(&sakke, &rng));
  sz = sizeof buf;
  CHECK(wc_ExportSakkePublicKey(&sakke, buf, &sz, 0));
  put("sakke_zt", buf, sz);
  ecc_point *rsk = wc_ecc_new_point();
  CHECK(wc_MakeSakkeRsk(&sakke, id, (word16)idSz, rsk));
  sz = sizeof buf;
  CHECK(wc_EncodeSakkeRsk(&sakke, rsk, buf, &sz, 0));
  put("sakke_rsk", buf, sz);
  CHECK(wc_GenerateSakkeSSV(&sakke, &rng, ssv, &ssvSz));
  put("sakke_ssv", ssv, ssvSz);
  CHECK(wc_SetSakkeIdentity(&sakke, id, (word16)idSz));
  CHECK(wc_MakeSakkeEncapsulatedSSV(&sakke, WC_HASH_TYPE_SHA256, ssv, ssvSz, auth, &authSz));
  put("sakke_r", auth, authSz);
  put("sakke_h", ssv, ssvSz);

  CHECK(wc_InitEccsiKey(&eccsi, NULL, INVALID_DEVID));
  CHECK(wc_MakeEccsiKey(&eccsi, &rng));
  sz = sizeof buf;
  CHECK(wc_ExportEccsiPublicKey(&eccsi, buf, &sz, 0));
  put("eccsi_kpak", buf, sz);
  mp_int ssk;
  ecc_point *pvt = wc_ecc_new_point();
  CHECK(mp_init(&ssk));
  CHECK(wc_MakeEccsiPair(&eccsi, &rng, WC_HASH_TYPE_SHA256, id, idSz, &ssk, pvt));
  sz = sizeof buf;
  CHECK(wc_EncodeEccsiSsk(&eccsi, &ssk, buf, &sz));
  put("eccsi_ssk", buf, sz);
  sz = sizeof buf;
  CHECK(wc_EncodeEccsiPvt(&eccsi, pvt, buf, &sz, 0));
  put("eccsi_pvt", buf, sz);
  byte hash[WC_MAX_DIGEST_SIZE], hashSz = sizeof hash;
  CHECK(wc_HashEccsiId(&eccsi, WC_HASH_TYPE_SHA256, id, idSz, pvt, hash, &hashSz));
  put("eccsi_hs", hash, hashSz);
  CHECK(wc_SetEccsiHash(&eccsi, hash, hashSz));
  CHECK(wc_SetEccsiPair(&eccsi, &ssk, pvt));
  sz = sizeof sig;
  CHECK(wc_SignEccsiHash(&eccsi, &rng, WC_HASH_TYPE_SHA256, msg, msgSz, sig, &sz));
  put("eccsi_signature", sig, sz);
  return 0;
}

static int check(char **argv) {
  static byte zT[512], rskBytes[512], id[256], data[1024], kpak[128], sig[256], msg[4096];
  word32 zTSz = unhex(argv[0], zT, sizeof zT), rskSz = unhex(argv[1], rskBytes, sizeof rskBytes);
  word32 idSz = unhex(argv[2], id, sizeof id), dataSz = unhex(argv[3], data, sizeof data);
  word32 kpakSz = unhex(argv[4], kpak, sizeof kpak), sigSz = unhex(argv[5], sig, sizeof sig), msgSz = unhex(argv[6], msg, sizeof msg);
  SakkeKey sakke;
  EccsiKey eccsi;
  int valid = 0;

  CHECK(wc_InitSakkeKey_ex(&sakke, 128, ECC_SAKKE_1, NULL, INVALID_DEVID));
  CHECK(wc_ImportSakkePublicKey(&sakke, zT, zTSz, 0));
  ecc_point *rsk = wc_ecc_new_point();
  CHECK(wc_DecodeSakkeRsk(&sakke, rskBytes, rskSz, rsk));
  CHECK(wc_ValidateSakkeRsk(&sakke, id, (word16)idSz, rsk, &valid));
  printf("rsk_valid=%d\n", valid);
  CHECK(wc_SetSakkeRsk(&sakke, rsk, NULL, 0));
  CHECK(wc_SetSakkeIdentity(&sakke, id, (word16)idSz));
  byte ssv[16];
  memcpy(ssv, data + dataSz - 16, 16);
  int rc = wc_DeriveSakkeSSV(&sakke, WC_HASH_TYPE_SHA256, ssv, 16, data, (word16)(dataSz - 16));
  if (rc == 0) put("ssv", ssv, 16); else printf("ssv_error=%d\n", rc);

  CHECK(wc_InitEccsiKey(&eccsi, NULL, INVALID_DEVID));
  CHECK(wc_ImportEccsiPublicKey(&eccsi, kpak, kpakSz, 0));
  ecc_point *pvt = wc_ecc_new_point();
  CHECK(wc_DecodeEccsiPvtFromSig(&eccsi, sig, sigSz, pvt));
  byte hash[WC_MAX_DIGEST_SIZE], hashSz = sizeof hash;
  CHECK(wc_HashEccsiId(&eccsi, WC_HASH_TYPE_SHA256, id, idSz, pvt, hash, &hashSz));
  CHECK(wc_SetEccsiHash(&eccsi, hash, hashSz));
  int verified = 0;
  rc = wc_VerifyEccsiHash(&eccsi, WC_HASH_TYPE_SHA256, msg, msgSz, sig, sigSz, &verified);
  printf("signature_valid=%d\n", rc == 0 ? verified : -rc);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "make") == 0) return make(argv[2], argv[3]);
  if (argc == 9 && strcmp(argv[1], "check") == 0) return check(argv + 2);
  fprintf(stderr, "usage: make <id> <msg> | check <zT> <rsk> <id> <data> <kpak> <sig> <msg>\n");
  return 2;
}
