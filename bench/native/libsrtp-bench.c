/*
 * Native side of the side-by-side bench (bench/native.bench.ts): libsrtp2
 * (Debian libsrtp2-dev) unprotecting AEAD_AES_128_GCM SRTP packets with an
 * MKI, the right master key chosen by MKI (RFC 3711 key ring).
 * Build: cc -O2 -o x this.c -lsrtp2
 *
 *   x <runs> <packets file> <mki hex>=<master key || master salt hex> ...
 *
 * The packets file has one SRTP packet in hex a line. Each run creates a
 * receiving session (any inbound SSRC, replay window 1024) and unprotects
 * every packet once (srtp_unprotect_mki); only the unprotect loop is timed.
 * Prints srtp_unprotect=<median CPU ms of one run>, packets=<count> and
 * authenticated=<packets that authenticated in the last run>.
 */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned unhex(const char *text, size_t len, unsigned char *out, unsigned max) {
  unsigned n = (unsigned)(len / 2);
  if (n > max) { fprintf(stderr, "input too long\n"); exit(2); }
  for (unsigned i = 0; i < n; i++) sscanf(text + 2 * i, "%2hhx", &out[i]);
  return n;
}

static double cpu_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

#define MAX_PACKETS 100000
#define MAX_KEYS 16

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <runs> <packets file> <mki>=<key||salt> ...\n", argv[0]);
    return 2;
  }
  int runs = atoi(argv[1]);
  int nkeys = argc - 3;
  if (runs < 1 || nkeys > MAX_KEYS) return 2;
  static unsigned char *packets[MAX_PACKETS], buf[2048];
  static int lengths[MAX_PACKETS];
  int count = 0;
  FILE *f = fopen(argv[2], "r");
  if (!f) { perror(argv[2]); return 2; }
  static char line[8192];
  while (count < MAX_PACKETS && fgets(line, sizeof line, f)) {
    size_t len = strcspn(line, "\r\n");
    if (len < 2) continue;
    packets[count] = malloc(len / 2);
    lengths[count] = (int)unhex(line, len, packets[count], (unsigned)len / 2);
    count++;
  }
  fclose(f);

  static unsigned char keyBytes[MAX_KEYS][64], mkiBytes[MAX_KEYS][SRTP_MAX_MKI_LEN];
  static srtp_master_key_t keys[MAX_KEYS], *keyList[MAX_KEYS];
  for (int k = 0; k < nkeys; k++) {
    const char *arg = argv[3 + k], *eq = strchr(arg, '=');
    if (!eq) return 2;
    keys[k].mki_size = unhex(arg, (size_t)(eq - arg), mkiBytes[k], SRTP_MAX_MKI_LEN);
    unsigned keyLen = unhex(eq + 1, strlen(eq + 1), keyBytes[k], sizeof keyBytes[k]);
    if (keyLen != SRTP_AES_GCM_128_KEY_LEN_WSALT) { fprintf(stderr, "key||salt must be %d octets\n", SRTP_AES_GCM_128_KEY_LEN_WSALT); return 2; }
    keys[k].key = keyBytes[k];
    keys[k].mki_id = mkiBytes[k];
    keyList[k] = &keys[k];
  }
  if (srtp_init() != srtp_err_status_ok) return 3;
  srtp_policy_t policy;
  memset(&policy, 0, sizeof policy);
  srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
  srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
  policy.ssrc.type = ssrc_any_inbound;
  policy.keys = keyList;
  policy.num_master_keys = (unsigned long)nkeys;
  policy.window_size = 1024;

  double *t = calloc(runs, sizeof *t);
  int authenticated = 0;
  for (int r = 0; r < runs; r++) {
    srtp_t session;
    if (srtp_create(&session, &policy) != srtp_err_status_ok) { fprintf(stderr, "srtp_create failed\n"); return 3; }
    authenticated = 0;
    double s = cpu_ms();
    for (int i = 0; i < count; i++) {
      memcpy(buf, packets[i], lengths[i]);
      int len = lengths[i];
      if (srtp_unprotect_mki(session, buf, &len, 1) == srtp_err_status_ok) authenticated++;
    }
    t[r] = cpu_ms() - s;
    srtp_dealloc(session);
  }
  qsort(t, runs, sizeof *t, cmp);
  printf("srtp_unprotect=%.6f\npackets=%d\nauthenticated=%d\n", runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2, count, authenticated);
  return 0;
}
