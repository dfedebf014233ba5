/*
 * A PKCS#11 module that is only a doorway to another one (SoftHSM by default), opened with
 * RTLD_DEEPBIND. Inside Node, libsofthsm2's OpenSSL calls otherwise bind to the OpenSSL copy the
 * node binary exports (it comes first in the global symbol scope, so LD_PRELOAD cannot win);
 * with DEEPBIND the module resolves them in its own dependencies first: Debian's libcrypto.
 * Point pkcs11.module at this file; BENCH_SHIM_TARGET overrides the real module's path.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

#include <p11-kit/pkcs11.h>

static CK_C_GetFunctionList real_get_function_list;

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  if (!real_get_function_list) {
    const char *path = getenv("BENCH_SHIM_TARGET");
    void *module = dlopen(path ? path : "/usr/lib/softhsm/libsofthsm2.so",
                          RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!module) return CKR_GENERAL_ERROR;
    real_get_function_list = (CK_C_GetFunctionList)dlsym(module, "C_GetFunctionList");
    if (!real_get_function_list) return CKR_GENERAL_ERROR;
  }
  return real_get_function_list(list);
}
