/*
 * The physical limit of a PKCS#11 token on this machine: one session and one thread per core,
 * each signing the same precomputed input in a loop (C_SignInit + C_Sign) for a fixed time.
 * No Node, no binding, no HTTP: the table divides QKMS's rate by this one.
 *
 * usage: p11loop MODULE TOKEN_LABEL KEY_LABEL MECH INPUT_HEX SECONDS THREADS
 *   MECH: rsa-pkcs | rsa-pss-sha256 | rsa-pss-sha384 | rsa-pss-sha512 | ecdsa | eddsa
 *   The user PIN is read from the environment (BENCH_PIN), so it never shows in `ps`.
 * Prints one JSON object on stdout.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <p11-kit/pkcs11.h>

/* Per-call latencies are counted in 1 µs buckets up to this bound (longer calls land in the last). */
#define MAX_LATENCY_US 200000

struct worker {
  pthread_t thread;
  CK_SESSION_HANDLE session;
  CK_OBJECT_HANDLE key;
  unsigned long count;
  unsigned long failures;
  unsigned long last_rv;
  double busy_seconds;
  unsigned int *histogram;
};

static CK_FUNCTION_LIST_PTR p11;
static CK_MECHANISM mechanism;
static CK_RSA_PKCS_PSS_PARAMS pss;
static unsigned char input[512];
static CK_ULONG input_len;
static double duration_s;
static pthread_barrier_t start_line;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, CK_RV rv) {
  fprintf(stderr, "p11loop: %s failed: CKR 0x%lx\n", what, (unsigned long)rv);
  exit(1);
}

static int hex_to_bytes(const char *hex, unsigned char *out, size_t max) {
  size_t n = strlen(hex);
  if (n % 2 != 0 || n / 2 > max) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned int byte;
    if (sscanf(hex + 2 * i, "%2x", &byte) != 1) return -1;
    out[i] = (unsigned char)byte;
  }
  return (int)(n / 2);
}

static void choose_mechanism(const char *name) {
  memset(&mechanism, 0, sizeof mechanism);
  if (strcmp(name, "rsa-pkcs") == 0) {
    mechanism.mechanism = CKM_RSA_PKCS; /* over the DER DigestInfo, as QKMS sends it */
  } else if (strncmp(name, "rsa-pss-sha", 11) == 0) {
    int bits = atoi(name + 11);
    pss.hash_alg = bits == 512 ? CKM_SHA512 : bits == 384 ? CKM_SHA384 : CKM_SHA256;
    pss.mgf = bits == 512 ? CKG_MGF1_SHA512 : bits == 384 ? CKG_MGF1_SHA384 : CKG_MGF1_SHA256;
    pss.s_len = (unsigned long)bits / 8; /* KMS: salt as long as the hash */
    mechanism.mechanism = CKM_RSA_PKCS_PSS;
    mechanism.pParameter = &pss;
    mechanism.ulParameterLen = sizeof pss;
  } else if (strcmp(name, "ecdsa") == 0) {
    mechanism.mechanism = CKM_ECDSA; /* SoftHSM has no CKM_ECDSA_SHA*: sign the digest */
  } else if (strcmp(name, "eddsa") == 0) {
    mechanism.mechanism = CKM_EDDSA;
  } else {
    fprintf(stderr, "p11loop: unknown mechanism %s\n", name);
    exit(2);
  }
}

static CK_SLOT_ID find_slot(const char *label) {
  CK_SLOT_ID slots[64];
  CK_ULONG n = 64;
  CK_RV rv = p11->C_GetSlotList(CK_TRUE, slots, &n);
  if (rv != CKR_OK) die("C_GetSlotList", rv);
  for (CK_ULONG i = 0; i < n; i++) {
    CK_TOKEN_INFO info;
    if (p11->C_GetTokenInfo(slots[i], &info) != CKR_OK) continue;
    char padded[33];
    memset(padded, ' ', 32);
    padded[32] = 0;
    memcpy(padded, label, strlen(label) < 32 ? strlen(label) : 32);
    if (memcmp(info.label, padded, 32) == 0) return slots[i];
  }
  fprintf(stderr, "p11loop: no token labelled %s\n", label);
  exit(1);
}

static CK_OBJECT_HANDLE find_private_key(CK_SESSION_HANDLE session, const char *label) {
  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  CK_ATTRIBUTE tmpl[] = {
      {CKA_CLASS, &cls, sizeof cls},
      {CKA_LABEL, (void *)label, strlen(label)},
  };
  CK_OBJECT_HANDLE handle;
  CK_ULONG found = 0;
  CK_RV rv = p11->C_FindObjectsInit(session, tmpl, 2);
  if (rv != CKR_OK) die("C_FindObjectsInit", rv);
  rv = p11->C_FindObjects(session, &handle, 1, &found);
  p11->C_FindObjectsFinal(session);
  if (rv != CKR_OK || found != 1) {
    fprintf(stderr, "p11loop: no private key labelled %s\n", label);
    exit(1);
  }
  return handle;
}

static void *sign_loop(void *arg) {
  struct worker *w = arg;
  unsigned char signature[1024];
  pthread_barrier_wait(&start_line);
  double start = now_s();
  double end = start + duration_s;
  double t = start;
  while (t < end) {
    CK_ULONG sig_len = sizeof signature;
    CK_RV rv = p11->C_SignInit(w->session, &mechanism, w->key);
    if (rv == CKR_OK) rv = p11->C_Sign(w->session, input, input_len, signature, &sig_len);
    double after = now_s();
    if (rv == CKR_OK) {
      unsigned long us = (unsigned long)((after - t) * 1e6);
      w->histogram[us < MAX_LATENCY_US ? us : MAX_LATENCY_US - 1]++;
      w->count++;
    } else {
      w->failures++;
      w->last_rv = rv;
    }
    t = after;
  }
  w->busy_seconds = t - start;
  return NULL;
}

/* The latency (µs) below which `fraction` of all calls completed, over every thread. */
static double percentile(struct worker *workers, int threads, unsigned long total, double fraction) {
  unsigned long target = (unsigned long)(fraction * (double)total);
  unsigned long seen = 0;
  for (int us = 0; us < MAX_LATENCY_US; us++) {
    for (int i = 0; i < threads; i++) seen += workers[i].histogram[us];
    if (seen > target) return us + 0.5;
  }
  return MAX_LATENCY_US;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: p11loop MODULE TOKEN_LABEL KEY_LABEL MECH INPUT_HEX SECONDS THREADS\n");
    return 2;
  }
  const char *pin = getenv("BENCH_PIN");
  if (!pin) {
    fprintf(stderr, "p11loop: set BENCH_PIN\n");
    return 2;
  }
  choose_mechanism(argv[4]);
  int n = hex_to_bytes(argv[5], input, sizeof input);
  if (n <= 0) {
    fprintf(stderr, "p11loop: bad INPUT_HEX\n");
    return 2;
  }
  input_len = (CK_ULONG)n;
  duration_s = atof(argv[6]);
  int threads = atoi(argv[7]);
  if (threads < 1 || threads > 64 || duration_s <= 0) return 2;

  void *module = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!module) {
    fprintf(stderr, "p11loop: %s\n", dlerror());
    return 1;
  }
  CK_C_GetFunctionList get_list = (CK_C_GetFunctionList)dlsym(module, "C_GetFunctionList");
  if (!get_list || get_list(&p11) != CKR_OK) {
    fprintf(stderr, "p11loop: no C_GetFunctionList\n");
    return 1;
  }
  /* OS locking on: without it SoftHSM turns its own locks off and threads corrupt each other. */
  CK_C_INITIALIZE_ARGS init = {0};
  init.flags = CKF_OS_LOCKING_OK;
  CK_RV rv = p11->C_Initialize(&init);
  if (rv != CKR_OK) die("C_Initialize", rv);
  CK_SLOT_ID slot = find_slot(argv[2]);

  struct worker *workers = calloc((size_t)threads, sizeof *workers);
  for (int i = 0; i < threads; i++) {
    rv = p11->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &workers[i].session);
    if (rv != CKR_OK) die("C_OpenSession", rv);
    workers[i].histogram = calloc(MAX_LATENCY_US, sizeof(unsigned int));
  }
  /* Login is per application: one login covers every session. */
  rv = p11->C_Login(workers[0].session, CKU_USER, (unsigned char *)pin, strlen(pin));
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) die("C_Login", rv);
  for (int i = 0; i < threads; i++) workers[i].key = find_private_key(workers[i].session, argv[3]);

  pthread_barrier_init(&start_line, NULL, (unsigned)threads + 1);
  for (int i = 0; i < threads; i++) pthread_create(&workers[i].thread, NULL, sign_loop, &workers[i]);
  double started = now_s();
  pthread_barrier_wait(&start_line);
  unsigned long total = 0, failures = 0, last_rv = 0;
  double busy = 0;
  for (int i = 0; i < threads; i++) {
    pthread_join(workers[i].thread, NULL);
    total += workers[i].count;
    failures += workers[i].failures;
    if (workers[i].failures) last_rv = workers[i].last_rv;
    busy += workers[i].busy_seconds;
  }
  double elapsed = now_s() - started;
  printf("{\"threads\":%d,\"seconds\":%.3f,\"signatures\":%lu,\"failures\":%lu,\"lastFailure\":%lu,"
         "\"perSecond\":%.1f,\"meanLatencyUs\":%.1f,\"p50LatencyUs\":%.1f,\"p99LatencyUs\":%.1f}\n",
         threads, elapsed, total, failures, last_rv, (double)total / elapsed,
         total ? busy / (double)total * 1e6 : 0.0, percentile(workers, threads, total, 0.5),
         percentile(workers, threads, total, 0.99));
  for (int i = 0; i < threads; i++) p11->C_CloseSession(workers[i].session);
  p11->C_Finalize(NULL);
  return failures > 0 && total == 0 ? 1 : 0;
}
