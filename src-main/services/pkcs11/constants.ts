// PKCS#11 v2.40 numeric constants the service needs on the host side (no native module is
// loaded here, so the numbers are spelled out). Only what we use; names as in pkcs11t.h.

export const CKR = {
  OK: 0x0,
  CANCEL: 0x1,
  HOST_MEMORY: 0x2,
  GENERAL_ERROR: 0x5,
  FUNCTION_FAILED: 0x6,
  ARGUMENTS_BAD: 0x7,
  DEVICE_ERROR: 0x30,
  DEVICE_MEMORY: 0x31,
  DEVICE_REMOVED: 0x32,
  FUNCTION_CANCELED: 0x50,
  FUNCTION_NOT_SUPPORTED: 0x54,
  KEY_HANDLE_INVALID: 0x60,
  MECHANISM_INVALID: 0x70,
  MECHANISM_PARAM_INVALID: 0x71,
  OBJECT_HANDLE_INVALID: 0x82,
  PIN_INCORRECT: 0xa0,
  PIN_INVALID: 0xa1,
  PIN_LEN_RANGE: 0xa2,
  PIN_EXPIRED: 0xa3,
  PIN_LOCKED: 0xa4,
  SESSION_CLOSED: 0xb0,
  SESSION_HANDLE_INVALID: 0xb3,
  TOKEN_NOT_PRESENT: 0xe0,
  TOKEN_NOT_RECOGNIZED: 0xe1,
  USER_ALREADY_LOGGED_IN: 0x100,
  USER_NOT_LOGGED_IN: 0x101,
  USER_PIN_NOT_INITIALIZED: 0x102,
  USER_TYPE_INVALID: 0x103,
  CRYPTOKI_NOT_INITIALIZED: 0x190,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;

/** Token-info flags (CK_TOKEN_INFO.flags). */
export const CKF = {
  RNG: 0x1,
  WRITE_PROTECTED: 0x2,
  LOGIN_REQUIRED: 0x4,
  USER_PIN_INITIALIZED: 0x8,
  PROTECTED_AUTHENTICATION_PATH: 0x100,
  TOKEN_INITIALIZED: 0x400,
  USER_PIN_COUNT_LOW: 0x10000,
  USER_PIN_FINAL_TRY: 0x20000,
  USER_PIN_LOCKED: 0x40000,
  USER_PIN_TO_BE_CHANGED: 0x80000,
  // slot / session flags
  TOKEN_PRESENT: 0x1,
  REMOVABLE_DEVICE: 0x2,
  HW_SLOT: 0x4,
  RW_SESSION: 0x2,
  SERIAL_SESSION: 0x4,
  DONT_BLOCK: 0x1,
} as const;

export const CKU_USER = 1;

export const CKO = { CERTIFICATE: 1, PRIVATE_KEY: 3 } as const;
export const CKK = { RSA: 0, EC: 3 } as const;

export const CKA = {
  CLASS: 0x0,
  TOKEN: 0x1,
  LABEL: 0x3,
  VALUE: 0x11,
  CERTIFICATE_TYPE: 0x80,
  KEY_TYPE: 0x100,
  ID: 0x102,
  SIGN: 0x108,
  MODULUS: 0x120,
  EC_PARAMS: 0x180,
  ALWAYS_AUTHENTICATE: 0x202,
} as const;

export const CKM = {
  RSA_PKCS: 0x1,
  RSA_PKCS_PSS: 0xd,
  SHA256_RSA_PKCS: 0x40,
  SHA384_RSA_PKCS: 0x41,
  SHA512_RSA_PKCS: 0x42,
  SHA256_RSA_PKCS_PSS: 0x43,
  SHA384_RSA_PKCS_PSS: 0x44,
  SHA512_RSA_PKCS_PSS: 0x45,
  SHA256: 0x250,
  SHA384: 0x260,
  SHA512: 0x270,
  ECDSA: 0x1041,
  ECDSA_SHA256: 0x1044,
  ECDSA_SHA384: 0x1045,
  ECDSA_SHA512: 0x1046,
} as const;

export const CKG = { MGF1_SHA256: 0x2, MGF1_SHA384: 0x3, MGF1_SHA512: 0x4 } as const;

const CKR_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(CKR).map(([k, v]) => [v, `CKR_${k}`]),
);

/** Human-readable name of a CK_RV ("CKR_PIN_INCORRECT"), or hex when unknown. */
export function ckrName(rv: number): string {
  return CKR_NAMES[rv] ?? `CKR_0x${rv.toString(16).padStart(8, '0')}`;
}
