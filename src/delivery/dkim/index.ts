/** DKIM for outbound mail: keys, their store and rotation, signing. Delivery imports from here. */
export { dnsRecordFor, zoneFileValue, publicKeyValue, generatePrivateKey, DkimError } from './keys.js';
export type { DkimKey, DkimKeyType, DkimKeyState, DnsTxtRecord } from './keys.js';
export {
  resolveDataDir,
  keyPath,
  saveKey,
  loadKey,
  listKeys,
  listDomains,
  signingKeys,
  publishedKeys,
  createKey,
  defaultSelector,
} from './store.js';
export type { NewKeyOptions } from './store.js';
export { rotateKey, retireKey, sweepKeys, drainedAt, noteSigned, DEFAULT_DRAIN_MS } from './rotation.js';
export type { Rotation, RetireOptions } from './rotation.js';
export { signMessage } from './sign.js';
export type { SignOptions, SigningKey } from './sign.js';
