import { hashPassword, verifyPassword } from '../auth/password-hash.js';
import type { Admin, Store } from '../storage/ports/index.js';
import { verifySecondFactor } from './admins.js';
import type { AdminConfig } from './config.js';
import type { TotpSeal } from './totp-seal.js';
import { ApiError } from '../errors/catalogue.js';

type SignInConfig = AdminConfig['signIn'];

/** Failures per client address in a sliding window; bounded so a flood cannot exhaust memory. */
export class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly capacity = 50_000,
  ) {}

  /** Milliseconds until the key may try again; 0 when it may now. */
  blockedFor(key: string, now = Date.now()): number {
    const list = this.recent(key, now);
    return list.length >= this.max ? list[0] + this.windowMs - now : 0;
  }

  fail(key: string, now = Date.now()): void {
    const list = this.recent(key, now);
    list.push(now);
    this.failures.delete(key);
    if (this.failures.size >= this.capacity) this.failures.delete(this.failures.keys().next().value as string);
    this.failures.set(key, list);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }
}

const DAY_MS = 86_400_000;
let dummyHash: Promise<string> | null = null;

/**
 * Console sign-in: password (argon2id) and a second factor, throttled per address and per name.
 * Every failure looks the same to the caller (no hint whether the name exists or which part was
 * wrong), and an unknown name costs the same argon2 work as a known one.
 */
export class SignIn {
  private readonly perIp: FailureWindow;
  /** Unknown names are locked like known ones, so a lock does not reveal that a name exists. */
  private readonly perName: FailureWindow;

  constructor(
    private readonly store: Store,
    private readonly cfg: SignInConfig,
    private readonly seal: TotpSeal,
  ) {
    this.perIp = new FailureWindow(cfg.maxFailuresPerIp, cfg.ipWindowMinutes * 60_000);
    this.perName = new FailureWindow(cfg.maxFailuresPerUser, cfg.lockMinutes * 60_000);
  }

  async attempt(req: { username: string; password: string; code: string; ip: string }, now = Date.now()): Promise<{ admin: Admin; factor: 'totp' | 'recovery' }> {
    const username = req.username.trim().toLowerCase();
    this.refuseIfThrottled(this.perIp.blockedFor(req.ip, now));
    this.refuseIfThrottled(this.perName.blockedFor(username, now));
    const admin = await this.store.admins.get(username);
    if (admin?.lockedUntil && Date.parse(admin.lockedUntil) > now) this.refuseIfThrottled(Date.parse(admin.lockedUntil) - now);
    const passwordOk = admin ? await verifyPassword(admin.passwordHash, req.password) : await verifyPassword(await fakeHash(), req.password).then(() => false);
    const factor = admin && passwordOk ? await verifySecondFactor(this.store, admin, req.code, this.seal, now) : null;
    if (!admin || !factor) {
      await this.fail(username, admin, req.ip, now);
      throw new ApiError('SIGN_IN_FAILED');
    }
    await this.store.admins.noteSuccess(username, new Date(now).toISOString(), req.ip);
    return { admin, factor };
  }

  private refuseIfThrottled(ms: number): void {
    if (ms > 0) throw new ApiError('SIGN_IN_THROTTLED', { minutes: Math.max(1, Math.ceil(ms / 60_000)) });
  }

  /** Lock time doubles with each failure past the limit, up to a day. */
  private async fail(username: string, admin: Admin | null, ip: string, now: number): Promise<void> {
    this.perIp.fail(ip, now);
    this.perName.fail(username, now);
    if (!admin) return;
    const count = await this.store.admins.noteFailure(username, new Date(now).toISOString());
    const over = count - this.cfg.maxFailuresPerUser;
    if (over >= 0) {
      const ms = Math.min(DAY_MS, this.cfg.lockMinutes * 60_000 * 2 ** Math.min(over, 10));
      await this.store.admins.update(username, { lockedUntil: new Date(now + ms).toISOString() });
    }
  }
}

function fakeHash(): Promise<string> {
  dummyHash ??= hashPassword('not a real password, only spends the same time');
  return dummyHash;
}
