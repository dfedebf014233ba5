/*
 * A test-only PKCS#11 module that forwards every call to SoftHSM, except that chosen processes
 * do not see any token in their first PKCS#11 context: the failure SoftHSM gives a process whose
 * C_Initialize reads the token's files while another process is rewriting them (SoftHSM
 * enumerates its tokens once, in C_Initialize, and drops one it cannot read until the next
 * C_Finalize/C_Initialize; src/lib/object_store/ObjectStore.cpp). The gateway then reports
 * QKMS_TOKEN_NOT_FOUND, exactly as in the field.
 *
 * Which processes: each process takes a ticket on its first C_Initialize by creating the next
 * free file 1, 2, 3, ... in $QKMS_SHIM_TICKETS (O_EXCL makes the numbering race-free across
 * processes) and writes its pid into it, so a test can tell afterwards which process was which.
 * $QKMS_SHIM_FAIL names the tickets that fail: "3" fails ticket 3 only, "2+" every ticket from 2.
 * A later C_Initialize in the same process (after C_Finalize) sees the token again.
 * $QKMS_SHIM_TARGET overrides the real module's path. Built by test/support/first-open-fails.ts
 * against the PKCS#11 headers pkcs11js ships, so no -dev package is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "pkcs11-forward.h"

static CK_FUNCTION_LIST real;
static CK_FUNCTION_LIST shim;
static int ready;
static long ticket;      /* 0 until this process's first C_Initialize */
static int hide_tokens;  /* true during the first context of a failing ticket */

static long take_ticket(void) {
  const char *dir = getenv("QKMS_SHIM_TICKETS");
  if (!dir) return -1;
  char path[4096];
  for (long n = 1; n < 100000; n++) {
    snprintf(path, sizeof path, "%s/%ld", dir, n);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return -1;
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (write(fd, pid, (size_t)len) != len) { /* the test then sees an empty ticket */ }
    close(fd);
    return n;
  }
  return -1;
}

static int ticket_fails(long n) {
  const char *spec = getenv("QKMS_SHIM_FAIL");
  if (!spec || n <= 0) return 0;
  char *end;
  long chosen = strtol(spec, &end, 10);
  return *end == '+' ? n >= chosen : n == chosen;
}

static CK_RV shim_initialize(CK_VOID_PTR args) {
  CK_RV rv = real.C_Initialize(args);
  if (rv != CKR_OK) return rv;
  if (ticket == 0) {
    ticket = take_ticket();
    hide_tokens = ticket_fails(ticket);
  } else {
    hide_tokens = 0;
  }
  return rv;
}

static CK_RV shim_finalize(CK_VOID_PTR reserved) {
  hide_tokens = 0;
  return real.C_Finalize(reserved);
}

static CK_RV shim_get_slot_list(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
  if (hide_tokens && present) {
    if (!count) return CKR_ARGUMENTS_BAD;
    *count = 0;
    return CKR_OK;
  }
  return real.C_GetSlotList(present, list, count);
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  if (!ready) {
    if (forward_load(&real, &shim) != CKR_OK) return CKR_GENERAL_ERROR;
    shim.C_Initialize = shim_initialize;
    shim.C_Finalize = shim_finalize;
    shim.C_GetSlotList = shim_get_slot_list;
    ready = 1;
  }
  if (!list) return CKR_ARGUMENTS_BAD;
  *list = &shim;
  return CKR_OK;
}
