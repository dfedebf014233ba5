/*
 * The part every test-only PKCS#11 module here shares: load the real module (SoftHSM, or
 * $QKMS_SHIM_TARGET) and copy its function list twice, once to call through and once to hand
 * out with the module's own overrides patched in.
 */
#ifndef QKMS_PKCS11_FORWARD_H
#define QKMS_PKCS11_FORWARD_H

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "pkcs11.h"

/** Fills `real` and `shim` with the real module's functions; CKR_OK or CKR_GENERAL_ERROR. */
static CK_RV forward_load(CK_FUNCTION_LIST *real, CK_FUNCTION_LIST *shim) {
  const char *path = getenv("QKMS_SHIM_TARGET");
  void *module = dlopen(path ? path : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
  if (!module) return CKR_GENERAL_ERROR;
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(module, "C_GetFunctionList");
  CK_FUNCTION_LIST_PTR functions;
  if (!get || get(&functions) != CKR_OK) return CKR_GENERAL_ERROR;
  memcpy(real, functions, sizeof *real);
  memcpy(shim, functions, sizeof *shim);
  return CKR_OK;
}

#endif
