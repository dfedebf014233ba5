/*
 * A test-only PKCS#11 module that forwards every call to SoftHSM, except that while a file named
 * like the module plus ".faulty" exists beside it, every signature C_Sign returns has its last
 * bit flipped: an HSM that turned faulty after start-up (a bad CRT computation gives a signature
 * that does not verify), which only the gateway's pairwise self-verify can catch. A file, so a
 * test can turn the fault on after the gateway's start-up proofs have passed, and named after the
 * module, not given in a variable, because jest gives each test file a copy of process.env that
 * never reaches getenv. Built by test/support/native-shims.ts.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/stat.h>

#include "pkcs11-forward.h"

static CK_FUNCTION_LIST real;
static CK_FUNCTION_LIST shim;
static int ready;

static char flag[4096];

static int faulty(void) {
  struct stat st;
  return flag[0] != '\0' && stat(flag, &st) == 0;
}

static CK_RV shim_sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG data_len,
                       CK_BYTE_PTR signature, CK_ULONG_PTR signature_len) {
  CK_RV rv = real.C_Sign(session, data, data_len, signature, signature_len);
  /* A NULL buffer asks only for the length: there is nothing to corrupt yet. */
  if (rv == CKR_OK && signature && signature_len && *signature_len > 0 && faulty())
    signature[*signature_len - 1] ^= 1;
  return rv;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  if (!ready) {
    if (forward_load(&real, &shim) != CKR_OK) return CKR_GENERAL_ERROR;
    Dl_info self;
    if (!dladdr((void *)&C_GetFunctionList, &self) || !self.dli_fname) return CKR_GENERAL_ERROR;
    snprintf(flag, sizeof flag, "%s.faulty", self.dli_fname);
    shim.C_Sign = shim_sign;
    ready = 1;
  }
  if (!list) return CKR_ARGUMENTS_BAD;
  *list = &shim;
  return CKR_OK;
}
