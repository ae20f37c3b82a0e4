/*
 * Native side of the side-by-side bench (bench/native.bench.ts): wolfSSL's
 * ECCSI (RFC 6507) and SAKKE (RFC 6508, parameter set 1) from Debian's
 * libwolfssl-dev, timed on the inputs lib/crypto made.
 * Build: cc -O2 -o x this.c -lwolfssl
 *
 *   x <runs> <kpak> <ssk> <pvt> <id> <message> <signature> <zT> <rsk> <sakke data R||H> <ssv>
 *
 * Prints one `name=median_ms` line per operation: the median over <runs> of
 * the process CPU time (CLOCK_PROCESS_CPUTIME_ID) of one operation.
 *   eccsi_sign        wc_SignEccsiHash with our SSK/PVT (HS set once, as a signer keeps it)
 *   eccsi_verify      wc_HashEccsiId (HS) + wc_SetEccsiHash + wc_VerifyEccsiHash of our signature
 *   sakke_encapsulate wc_MakeSakkeEncapsulatedSSV of our SSV to our id under our Z_T
 *   sakke_decapsulate_cold  wc_SetSakkeRsk without a table (RSK never seen) + wc_DeriveSakkeSSV
 * and `<name>_check=1` when the result matched ours (signature verifies,
 * SAKKE data equal, SSV recovered).
 */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/sakke.h>
#include <wolfssl/wolfcrypt/eccsi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static word32 unhex(const char *text, byte *out, word32 max) {
  word32 n = (word32)strlen(text) / 2;
  if (n > max) { fprintf(stderr, "input too long\n"); exit(2); }
  for (word32 i = 0; i < n; i++) sscanf(text + 2 * i, "%2hhx", &out[i]);
  return n;
}

#define CHECK(call) do { int rc_ = (call); if (rc_ != 0) { fprintf(stderr, "%s failed: %d\n", #call, rc_); exit(3); } } while (0)

static double cpu_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv) {
  if (argc != 12) {
    fprintf(stderr, "usage: %s <runs> <kpak> <ssk> <pvt> <id> <message> <signature> <zT> <rsk> <sakke data> <ssv>\n", argv[0]);
    return 2;
  }
  int runs = atoi(argv[1]);
  if (runs < 1 || runs > 100000) return 2;
  static byte kpak[128], sskB[64], pvtB[128], id[256], msg[4096], sig[256], zT[512], rskB[512], data[1024], ssvIn[64];
  word32 kpakSz = unhex(argv[2], kpak, sizeof kpak), sskSz = unhex(argv[3], sskB, sizeof sskB);
  word32 pvtSz = unhex(argv[4], pvtB, sizeof pvtB), idSz = unhex(argv[5], id, sizeof id);
  word32 msgSz = unhex(argv[6], msg, sizeof msg), sigSz = unhex(argv[7], sig, sizeof sig);
  word32 zTSz = unhex(argv[8], zT, sizeof zT), rskSz = unhex(argv[9], rskB, sizeof rskB);
  word32 dataSz = unhex(argv[10], data, sizeof data), ssvSz = unhex(argv[11], ssvIn, sizeof ssvIn);
  double *t = calloc(runs, sizeof *t);
  WC_RNG rng;
  CHECK(wc_InitRng(&rng));

  /* ---- ECCSI ---- */
  EccsiKey eccsi;
  CHECK(wc_InitEccsiKey(&eccsi, NULL, INVALID_DEVID));
  CHECK(wc_ImportEccsiPublicKey(&eccsi, kpak, kpakSz, 0));
  mp_int ssk;
  CHECK(mp_init(&ssk));
  ecc_point *pvt = wc_ecc_new_point();
  CHECK(wc_DecodeEccsiSsk(&eccsi, sskB, sskSz, &ssk));
  CHECK(wc_DecodeEccsiPvt(&eccsi, pvtB, pvtSz, pvt));
  byte hash[WC_MAX_DIGEST_SIZE], hashSz = sizeof hash;
  CHECK(wc_HashEccsiId(&eccsi, WC_HASH_TYPE_SHA256, id, idSz, pvt, hash, &hashSz));
  CHECK(wc_SetEccsiHash(&eccsi, hash, hashSz));
  CHECK(wc_SetEccsiPair(&eccsi, &ssk, pvt));
  byte out[256];
  word32 outSz;
  int signOk = 1;
  for (int i = 0; i < runs; i++) {
    double s = cpu_ms();
    outSz = sizeof out;
    int rc = wc_SignEccsiHash(&eccsi, &rng, WC_HASH_TYPE_SHA256, msg, msgSz, out, &outSz);
    t[i] = cpu_ms() - s;
    if (rc != 0) { signOk = 0; fprintf(stderr, "wc_SignEccsiHash: %d\n", rc); break; }
  }
  if (signOk) printf("eccsi_sign=%.6f\n", median(t, runs));
  else printf("eccsi_sign=error\n");

  EccsiKey verifier;
  CHECK(wc_InitEccsiKey(&verifier, NULL, INVALID_DEVID));
  CHECK(wc_ImportEccsiPublicKey(&verifier, kpak, kpakSz, 0));
  ecc_point *sigPvt = wc_ecc_new_point();
  int verified = 0;
  for (int i = 0; i < runs; i++) {
    double s = cpu_ms();
    CHECK(wc_DecodeEccsiPvtFromSig(&verifier, sig, sigSz, sigPvt));
    hashSz = sizeof hash;
    CHECK(wc_HashEccsiId(&verifier, WC_HASH_TYPE_SHA256, id, idSz, sigPvt, hash, &hashSz));
    CHECK(wc_SetEccsiHash(&verifier, hash, hashSz));
    CHECK(wc_VerifyEccsiHash(&verifier, WC_HASH_TYPE_SHA256, msg, msgSz, sig, sigSz, &verified));
    t[i] = cpu_ms() - s;
  }
  printf("eccsi_verify=%.6f\neccsi_verify_check=%d\n", median(t, runs), verified);
  if (signOk) {
    CHECK(wc_VerifyEccsiHash(&verifier, WC_HASH_TYPE_SHA256, msg, msgSz, out, outSz, &verified));
    printf("eccsi_sign_check=%d\n", verified);
  }

  /* ---- SAKKE ---- */
  SakkeKey sakke;
  CHECK(wc_InitSakkeKey_ex(&sakke, 128, ECC_SAKKE_1, NULL, INVALID_DEVID));
  CHECK(wc_ImportSakkePublicKey(&sakke, zT, zTSz, 0));
  CHECK(wc_SetSakkeIdentity(&sakke, id, (word16)idSz));
  byte ssv[64], auth[512];
  word16 authSz = 0;
  int sakkeRuns = runs > 20 ? 20 : runs;
  for (int i = 0; i < sakkeRuns; i++) {
    memcpy(ssv, ssvIn, ssvSz);
    authSz = sizeof auth;
    double s = cpu_ms();
    CHECK(wc_MakeSakkeEncapsulatedSSV(&sakke, WC_HASH_TYPE_SHA256, ssv, (word16)ssvSz, auth, &authSz));
    t[i] = cpu_ms() - s;
  }
  printf("sakke_encapsulate=%.6f\n", median(t, sakkeRuns));
  printf("sakke_encapsulate_check=%d\n", authSz + ssvSz == dataSz && memcmp(auth, data, authSz) == 0 && memcmp(ssv, data + authSz, ssvSz) == 0);

  ecc_point *rsk = wc_ecc_new_point();
  CHECK(wc_DecodeSakkeRsk(&sakke, rskB, rskSz, rsk));
  int same = 1;
  for (int i = 0; i < sakkeRuns; i++) {
    SakkeKey rx;
    CHECK(wc_InitSakkeKey_ex(&rx, 128, ECC_SAKKE_1, NULL, INVALID_DEVID));
    CHECK(wc_ImportSakkePublicKey(&rx, zT, zTSz, 0));
    memcpy(ssv, data + dataSz - ssvSz, ssvSz);
    double s = cpu_ms();
    CHECK(wc_SetSakkeRsk(&rx, rsk, NULL, 0));
    CHECK(wc_SetSakkeIdentity(&rx, id, (word16)idSz));
    int rc = wc_DeriveSakkeSSV(&rx, WC_HASH_TYPE_SHA256, ssv, (word16)ssvSz, data, (word16)(dataSz - ssvSz));
    t[i] = cpu_ms() - s;
    if (rc != 0 || memcmp(ssv, ssvIn, ssvSz) != 0) same = 0;
    wc_FreeSakkeKey(&rx);
  }
  printf("sakke_decapsulate_cold=%.6f\nsakke_decapsulate_cold_check=%d\n", median(t, sakkeRuns), same);
  return 0;
}
