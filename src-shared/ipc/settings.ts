// Contract schemas of the settings desk: the user's own settings of the active profile (server
// address, PKCS#11 token drivers, TSA, trusted roots, language, revocation cache size), each with
// whether and why it is fixed (the machine-wide configuration of IT, or the demo province).
// Validated on the main side (src-main/services/settings.ts) before anything is written.

import { z } from 'zod';
import { bytes, FileName } from './features';

/** Why a value cannot be changed here: IT fixed it for the machine, or the demo province made it. */
export const LockReason = z.enum(['machine', 'demo']).nullable();

const HttpUrl = z
  .string()
  .max(2000)
  .url()
  .refine((s) => /^https?:\/\//i.test(s), 'must be an http:// or https:// address');

/** An absolute path of a PKCS#11 module (.so / .dll / .dylib). */
const ModulePath = z.string().min(1).max(1000).refine((s) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(s), 'must be an absolute path');

export const SETTINGS_LANGUAGES = ['vi', 'en'] as const;
export const REVOCATION_CACHE_MB = { min: 1, max: 10_000, default: 200 } as const;

const Setting = <T extends z.ZodTypeAny>(value: T) => z.object({ value, locked: LockReason });

export const TrustedRoot = z.object({
  /** The file's name in the profile's trust/ folder (or the path of a root configured elsewhere). */
  id: z.string(),
  subject: z.string(),
  issuer: z.string(),
  /** SHA-256 of the certificate, hex, upper case, colon separated (as certificate viewers show it). */
  fingerprint: z.string(),
  notAfter: z.string(),
  source: z.enum(['profile', 'machine', 'environment']),
  locked: LockReason,
});

export const SettingsState = z.object({
  gatewayUrl: Setting(z.string().nullable()),
  tsaUrl: Setting(z.string().nullable()),
  pkcs11Modules: Setting(z.array(z.string())),
  language: Setting(z.enum(SETTINGS_LANGUAGES).nullable()),
  revocationCacheMaxMB: Setting(z.number().int()),
  trustedRoots: z.array(TrustedRoot),
  /** Whether roots may be added to this profile. */
  trustAddable: z.boolean(),
  revocationCache: z.object({ usedBytes: z.number().int().nonnegative(), entries: z.number().int().nonnegative() }),
  /** Things the configuration could not use (unreadable files), in both languages. */
  problems: z.array(z.object({ code: z.string(), message_vi: z.string(), message_en: z.string() })),
});

/** A partial change; `null` clears a value (back to the default). Locked keys are refused. */
export const SettingsPatch = z
  .object({
    gatewayUrl: HttpUrl.nullable().optional(),
    tsaUrl: HttpUrl.nullable().optional(),
    pkcs11Modules: z.array(ModulePath).max(20).optional(),
    language: z.enum(SETTINGS_LANGUAGES).optional(),
    revocationCacheMaxMB: z.number().int().min(REVOCATION_CACHE_MB.min).max(REVOCATION_CACHE_MB.max).optional(),
  })
  .strict();

export const AddTrustedRootRequest = z.object({ fileName: FileName, data: bytes(1024 * 1024) }).strict();
export const RemoveTrustedRootRequest = z.object({ id: FileName }).strict();
