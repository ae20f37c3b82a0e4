/*
 * Native side of the side-by-side bench (bench/native.bench.ts): wolfSSL's
 * ECCSI (RFC 6507) and SAKKE (RFC 6508, parameter set 1) from Debian's
 * libwolfssl-dev, timed on the inputs lib/crypto made.
 * Build: cc -O2 -o x this.c -lwolfssl
 *
 *   x <runs> <kpak> <ssk> <pvt> <id> <message> <zT> <ssv> <cases file>
 *
 * The cases file has lines `signer <id> <signature>` (signatures of the
 * message by other users of the KMS), `encap <id> <SAKKE data>` (our
 * encapsulation of the SSV to that id) and `receiver <id> <rsk> <SAKKE
 * data>` (receivers under Z_T, other ids); each run takes the next one, so
 * wolfSSL's fixed-point cache (FP_ECC) meets each PVT, identifier and RSK
 * once, as our side does. A line `rsk-table` makes each decapsulation use
 * the receiver's RSK table (wc_GenerateSakkeRskTable, built untimed), as a
 * receiver that keeps its RSK would, where the build supports one (prints
 * sakke_rsk_table_octets; 0 means it does not).
 *
 * Prints one `name=median_ms` line per operation: the median over <runs> of
 * the process CPU time (CLOCK_PROCESS_CPUTIME_ID) of one operation.
 *   eccsi_sign        wc_SignEccsiHash with our SSK/PVT for <id> (HS set once, as a signer keeps it)
 *   eccsi_verify      wc_DecodeEccsiPvtFromSig + wc_HashEccsiId (HS) + wc_SetEccsiHash + wc_VerifyEccsiHash, next signer
 *   sakke_encapsulate wc_SetSakkeIdentity (when the id changes) + wc_MakeSakkeEncapsulatedSSV of <ssv> to the next encap id
 *   sakke_decapsulate wc_SetSakkeRsk without a table (RSK never seen) + identity + wc_DeriveSakkeSSV, next receiver
 * and `<name>_check=1` when every result matched ours (signatures verify,
 * SAKKE data equal to ours, SSV recovered).
 */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/sakke.h>
#include <wolfssl/wolfcrypt/eccsi.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
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

#define MAX_CASES 64

struct signer { byte id[256], sig[256]; word32 idSz, sigSz; };
struct receiver { byte id[256], rsk[512], data[1024]; word32 idSz, rskSz, dataSz; };

static char *field(char **cursor) {
  char *p = *cursor;
  while (*p == ' ' || *p == '\t') p++;
  char *start = p;
  while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') p++;
  if (*p) *p++ = 0;
  *cursor = p;
  return start;
}

int main(int argc, char **argv) {
  if (argc != 10) {
    fprintf(stderr, "usage: %s <runs> <kpak> <ssk> <pvt> <id> <message> <zT> <ssv> <cases file>\n", argv[0]);
    return 2;
  }
  int runs = atoi(argv[1]);
  if (runs < 1 || runs > 100000) return 2;
  static byte kpak[128], sskB[64], pvtB[128], id[256], msg[4096], zT[512], ssvIn[64];
  word32 kpakSz = unhex(argv[2], kpak, sizeof kpak), sskSz = unhex(argv[3], sskB, sizeof sskB);
  word32 pvtSz = unhex(argv[4], pvtB, sizeof pvtB), idSz = unhex(argv[5], id, sizeof id);
  word32 msgSz = unhex(argv[6], msg, sizeof msg), zTSz = unhex(argv[7], zT, sizeof zT);
  word32 ssvSz = unhex(argv[8], ssvIn, sizeof ssvIn);
  static struct signer signers[MAX_CASES];
  static struct receiver receivers[MAX_CASES], encaps[MAX_CASES];
  int nSigners = 0, nReceivers = 0, nEncaps = 0, rskTable = 0;
  FILE *f = fopen(argv[9], "r");
  if (!f) { perror(argv[9]); return 2; }
  static char line[8192];
  while (fgets(line, sizeof line, f)) {
    char *cursor = line, *kind = field(&cursor);
    if (strcmp(kind, "rsk-table") == 0) rskTable = 1;
    else if (strcmp(kind, "signer") == 0 && nSigners < MAX_CASES) {
      struct signer *c = &signers[nSigners++];
      char *a = field(&cursor), *b = field(&cursor);
      c->idSz = unhex(a, c->id, sizeof c->id);
      c->sigSz = unhex(b, c->sig, sizeof c->sig);
    } else if (strcmp(kind, "encap") == 0 && nEncaps < MAX_CASES) {
      struct receiver *c = &encaps[nEncaps++];
      char *a = field(&cursor), *d = field(&cursor);
      c->idSz = unhex(a, c->id, sizeof c->id);
      c->dataSz = unhex(d, c->data, sizeof c->data);
    } else if (strcmp(kind, "receiver") == 0 && nReceivers < MAX_CASES) {
      struct receiver *c = &receivers[nReceivers++];
      char *a = field(&cursor), *b = field(&cursor), *d = field(&cursor);
      c->idSz = unhex(a, c->id, sizeof c->id);
      c->rskSz = unhex(b, c->rsk, sizeof c->rsk);
      c->dataSz = unhex(d, c->data, sizeof c->data);
    }
  }
  fclose(f);
  if (nSigners == 0 || nReceivers == 0 || nEncaps == 0) { fprintf(stderr, "cases file needs signer, encap and receiver lines\n"); return 2; }
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
  word32 outSz = 0;
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
  int allVerified = 1;
  for (int i = 0; i < runs; i++) {
    struct signer *c = &signers[i % nSigners];
    int verified = 0;
    double s = cpu_ms();
    CHECK(wc_DecodeEccsiPvtFromSig(&verifier, c->sig, c->sigSz, sigPvt));
    hashSz = sizeof hash;
    CHECK(wc_HashEccsiId(&verifier, WC_HASH_TYPE_SHA256, c->id, c->idSz, sigPvt, hash, &hashSz));
    CHECK(wc_SetEccsiHash(&verifier, hash, hashSz));
    CHECK(wc_VerifyEccsiHash(&verifier, WC_HASH_TYPE_SHA256, msg, msgSz, c->sig, c->sigSz, &verified));
    t[i] = cpu_ms() - s;
    if (!verified) allVerified = 0;
  }
  printf("eccsi_verify=%.6f\neccsi_verify_check=%d\n", median(t, runs), allVerified);
  if (signOk) {
    int verified = 0;
    CHECK(wc_DecodeEccsiPvtFromSig(&verifier, out, outSz, sigPvt));
    hashSz = sizeof hash;
    CHECK(wc_HashEccsiId(&verifier, WC_HASH_TYPE_SHA256, id, idSz, sigPvt, hash, &hashSz));
    CHECK(wc_SetEccsiHash(&verifier, hash, hashSz));
    CHECK(wc_VerifyEccsiHash(&verifier, WC_HASH_TYPE_SHA256, msg, msgSz, out, outSz, &verified));
    printf("eccsi_sign_check=%d\n", verified);
  }

  /* ---- SAKKE ---- */
  SakkeKey sakke;
  CHECK(wc_InitSakkeKey_ex(&sakke, 128, ECC_SAKKE_1, NULL, INVALID_DEVID));
  CHECK(wc_ImportSakkePublicKey(&sakke, zT, zTSz, 0));
  byte ssv[64], auth[512];
  word16 authSz = 0;
  /* Runs take the cases in turn: with as many cases as runs, each is met once. */
  int encapRuns = runs;
  int sameData = 1;
  for (int i = 0; i < encapRuns; i++) {
    struct receiver *c = &encaps[i % nEncaps];
    memcpy(ssv, ssvIn, ssvSz);
    authSz = sizeof auth;
    double s = cpu_ms();
    /* A sender sets the identity when the receiver changes (wolfSSL keeps point I for it). */
    if (i == 0 || c != &encaps[(i - 1) % nEncaps]) CHECK(wc_SetSakkeIdentity(&sakke, c->id, (word16)c->idSz));
    CHECK(wc_MakeSakkeEncapsulatedSSV(&sakke, WC_HASH_TYPE_SHA256, ssv, (word16)ssvSz, auth, &authSz));
    t[i] = cpu_ms() - s;
    if (!(authSz + ssvSz == c->dataSz && memcmp(auth, c->data, authSz) == 0 && memcmp(ssv, c->data + authSz, ssvSz) == 0)) sameData = 0;
  }
  printf("sakke_encapsulate=%.6f\nsakke_encapsulate_check=%d\n", median(t, encapRuns), sameData);
  int sakkeRuns = runs;

  ecc_point *rsk = wc_ecc_new_point();
  int same = 1;
  for (int i = 0; i < sakkeRuns; i++) {
    struct receiver *c = &receivers[i % nReceivers];
    SakkeKey rx;
    CHECK(wc_InitSakkeKey_ex(&rx, 128, ECC_SAKKE_1, NULL, INVALID_DEVID));
    CHECK(wc_ImportSakkePublicKey(&rx, zT, zTSz, 0));
    CHECK(wc_DecodeSakkeRsk(&rx, c->rsk, c->rskSz, rsk));
    static byte *table = NULL;
    static word32 tableCap = 0;
    word32 tableSz = 0;
    if (rskTable) {
      int lrc = wc_GenerateSakkeRskTable(&rx, rsk, NULL, &tableSz);
      if (lrc != LENGTH_ONLY_E && lrc != 0) {
        fprintf(stderr, "wc_GenerateSakkeRskTable: %d\n", lrc);
        exit(3);
      }
      /* Size 0: this build keeps no RSK tables (Debian's does not); decapsulate without. */
      if (i == 0) printf("sakke_rsk_table_octets=%u\n", tableSz);
    }
    if (rskTable && tableSz > 0) {
      if (tableSz > tableCap) {
        free(table);
        table = malloc(tableSz);
        tableCap = tableSz;
      }
      CHECK(wc_GenerateSakkeRskTable(&rx, rsk, table, &tableSz));
    }
    memcpy(ssv, c->data + c->dataSz - ssvSz, ssvSz);
    double s = cpu_ms();
    CHECK(wc_SetSakkeRsk(&rx, rsk, tableSz ? table : NULL, tableSz));
    CHECK(wc_SetSakkeIdentity(&rx, c->id, (word16)c->idSz));
    int rc = wc_DeriveSakkeSSV(&rx, WC_HASH_TYPE_SHA256, ssv, (word16)ssvSz, c->data, (word16)(c->dataSz - ssvSz));
    t[i] = cpu_ms() - s;
    if (rc != 0 || memcmp(ssv, ssvIn, ssvSz) != 0) {
      if (same) fprintf(stderr, "wc_DeriveSakkeSSV, receiver %d: rc %d%s\n", i, rc, rc == 0 ? ", SSV differs" : "");
      same = 0;
    }
    wc_FreeSakkeKey(&rx);
  }
  printf("sakke_decapsulate=%.6f\nsakke_decapsulate_check=%d\n", median(t, sakkeRuns), same);
  return 0;
}
