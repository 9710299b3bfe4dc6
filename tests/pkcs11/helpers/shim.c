/* A PKCS#11 shim for the token tests: forwards every function to a real module (SoftHSM2,
 * SHIM_TARGET) and misbehaves on demand, like field tokens do:
 *   SHIM_HANG_FILE     if this file exists, C_Sign sleeps (a hung driver)
 *   SHIM_CRASH_FILE    if this file exists, C_Sign aborts the process (a crashing driver)
 *   SHIM_REMOVE_FILE   if this file exists, the token is "pulled out": no token in the slot
 *                      list, C_GetTokenInfo -> CKR_TOKEN_NOT_PRESENT, C_Sign -> CKR_DEVICE_REMOVED
 *   SHIM_LOGIN_ERROR_FILE  if this file exists, C_Login fails with CKR_DEVICE_ERROR (a flaky reader)
 *   SHIM_PIN_TRIES     PIN retry counter with this many tries: CKF_USER_PIN_COUNT_LOW,
 *                      FINAL_TRY and LOCKED flags, CKR_PIN_LOCKED once exhausted
 *   SHIM_PINPAD_PIN    a PIN pad: CKF_PROTECTED_AUTHENTICATION_PATH is set, an empty PIN
 *                      logs in with this PIN "typed on the pad"                            */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST *real;
static CK_FUNCTION_LIST shim;
static int failures = 0;

static int flag_file(const char *env) {
  const char *p = getenv(env);
  return p && *p && access(p, F_OK) == 0;
}
static int max_tries(void) { const char *p = getenv("SHIM_PIN_TRIES"); return p ? atoi(p) : 0; }

static CK_RV shim_GetSlotList(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
  if (present && flag_file("SHIM_REMOVE_FILE")) { *count = 0; return CKR_OK; }
  return real->C_GetSlotList(present, list, count);
}

static CK_RV shim_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
  if (flag_file("SHIM_REMOVE_FILE")) return CKR_TOKEN_NOT_PRESENT;
  CK_RV rv = real->C_GetTokenInfo(slot, info);
  if (rv != CKR_OK) return rv;
  int max = max_tries();
  if (max > 0) {
    info->flags &= ~(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
    if (failures >= max) info->flags |= CKF_USER_PIN_LOCKED;
    else if (failures == max - 1) info->flags |= CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW;
    else if (failures > 0) info->flags |= CKF_USER_PIN_COUNT_LOW;
  }
  if (getenv("SHIM_PINPAD_PIN")) info->flags |= CKF_PROTECTED_AUTHENTICATION_PATH;
  return CKR_OK;
}

static CK_RV shim_Login(CK_SESSION_HANDLE s, CK_USER_TYPE u, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  if (flag_file("SHIM_LOGIN_ERROR_FILE")) return CKR_DEVICE_ERROR;
  int max = max_tries();
  if (max > 0 && failures >= max) return CKR_PIN_LOCKED;
  const char *pad = getenv("SHIM_PINPAD_PIN");
  if (pad && len == 0) { pin = (CK_UTF8CHAR_PTR)pad; len = strlen(pad); }
  CK_RV rv = real->C_Login(s, u, pin, len);
  if (max > 0) {
    if (rv == CKR_PIN_INCORRECT) { failures++; if (failures >= max) return CKR_PIN_LOCKED; }
    else if (rv == CKR_OK) failures = 0;
  }
  return rv;
}

static CK_RV shim_SignInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k) {
  if (flag_file("SHIM_REMOVE_FILE")) return CKR_DEVICE_REMOVED;
  return real->C_SignInit(s, m, k);
}

static CK_RV shim_Sign(CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dl, CK_BYTE_PTR sig, CK_ULONG_PTR sl) {
  if (flag_file("SHIM_CRASH_FILE")) abort();
  if (flag_file("SHIM_HANG_FILE")) { for (;;) sleep(3600); }
  if (flag_file("SHIM_REMOVE_FILE")) return CKR_DEVICE_REMOVED;
  return real->C_Sign(s, d, dl, sig, sl);
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out) {
  if (!real) {
    const char *target = getenv("SHIM_TARGET");
    void *h = dlopen(target ? target : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
    if (!h) return CKR_GENERAL_ERROR;
    CK_C_GetFunctionList gfl = (CK_C_GetFunctionList)dlsym(h, "C_GetFunctionList");
    if (!gfl || gfl(&real) != CKR_OK) return CKR_GENERAL_ERROR;
    memcpy(&shim, real, sizeof shim);
    shim.C_GetSlotList = shim_GetSlotList;
    shim.C_GetTokenInfo = shim_GetTokenInfo;
    shim.C_Login = shim_Login;
    shim.C_SignInit = shim_SignInit;
    shim.C_Sign = shim_Sign;
  }
  *out = &shim;
  return CKR_OK;
}
