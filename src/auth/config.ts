import { z } from 'zod';
import { anomalyConfigSchema } from './anomalies.js';
import { devicesSchema } from './devices.js';
import { guardConfigSchema } from './guard/config.js';

/** Credentials: app-password keys and the brute-force guard. */
export const authConfigSchema = z
  .object({
    appPasswordSecret: z
      .string()
      .default('')
      .describe('Server key (base64url, 32 bytes or more) of the app-password hashes. Secret: MAILWARDEN_APP_PASSWORD_SECRET overrides it. Empty: a key is created in the data directory (app-password.key); several nodes must share one key.'),
    previousAppPasswordSecrets: z
      .array(z.string())
      .default([])
      .describe('Earlier keys still accepted for existing app passwords after a rotation.'),
    appPasswordsOnly: z
      .boolean()
      .default(false)
      .describe('Accept only app passwords on SMTP for every account (the primary password then works in the console only).'),
    credentialCacheSeconds: z
      .number().int().min(0).max(3600)
      .default(300)
      .describe('How long a verified primary password is trusted without a new argon2 run (keyed by an HMAC under a per-process key; invalidated by any change of the account). 0 disables the cache.'),
    credentialCacheEntries: z
      .number().int().positive()
      .default(10_000)
      .describe('Most cached credentials kept in memory; the least recently verified are dropped first.'),
    guard: guardConfigSchema.prefault({}).describe('Brute-force, spraying and stuffing defence on SMTP AUTH.'),
    geo: z
      .boolean()
      .default(true)
      .describe('Look up the country and network (ASN) of each client address in the bundled offline data (npm packages @ip-location-db/asn and @ip-location-db/asn-country; update them to refresh the data).'),
    devices: devicesSchema.describe('Devices that cannot authenticate (printers, scanners): each bound to its source addresses, one sender, internal recipients, tight limits; see docs/password-policy.md.'),
    anomalies: anomalyConfigSchema.prefault({}).describe('Login anomalies: new address, network or country, impossible travel, unusual hour.'),
  })
  .describe('Authentication of mail clients.');

export type AuthConfig = z.infer<typeof authConfigSchema>;
