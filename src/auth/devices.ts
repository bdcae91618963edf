/**
 * Devices that cannot authenticate: old multifunction printers and scanners that send "scan to
 * mail" without SMTP AUTH, and often without TLS. Rather than leaving an open relay for them,
 * each one is a device account bound to the addresses it connects from:
 *
 * - a session from a listed source is authenticated as `device:<name>` when it connects (on the
 *   submission ports, and on `submission.devicePort` which only listed sources may use);
 * - it may send only as its one fixed sender address, in the envelope and in the headers;
 * - only to internal recipients (the organisation's domains, the sender's domain, existing
 *   accounts) unless `allowExternal` is set;
 * - with tight limits of its own (recipients per message, messages per hour), on top of which
 *   its mail is scored, held and restricted by the detection engine like any account's, under
 *   the account name `device:<name>`, so that the console, the events and the alerts name it.
 *
 * A device's source address is its only credential: list single addresses (/32) of devices on
 * a network that guests and laptops cannot use, and keep allowExternal off.
 */
import { z } from 'zod';
import { GatewayError } from '../errors/catalogue.js';
import type { SessionUser } from '../smtp/types.js';
import { AllowList, parseCidr } from './guard/source.js';

export const deviceSchema = z.object({
  name: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, ".", "_" and "-" only').describe('Name of the device; its mail is attributed to the account "device:NAME".'),
  sources: z
    .array(z.string().refine((s) => parseCidr(s) !== undefined, { message: 'CIDR expected, e.g. 192.0.2.15/32' }))
    .min(1)
    .describe('Addresses the device connects from (CIDR; prefer single addresses).'),
  sender: z.string().regex(/^[^\s@]+@[^\s@]+$/, 'an email address').describe('The one sender address the device may use (MAIL FROM and From header).'),
  allowExternal: z.boolean().default(false).describe('Allow recipients outside the organisation (off: internal recipients only).'),
  maxRecipients: z.number().int().positive().default(10).describe('Recipients per message.'),
  maxMessagesPerHour: z.number().int().positive().default(30).describe('Messages per hour; further messages get a temporary refusal.'),
});

export const devicesSchema = z.array(deviceSchema).default([]);

export type Device = z.output<typeof deviceSchema>;

/** The session identity of a device: its account name, and its sender as the only allowed address. */
export interface DeviceUser extends SessionUser {
  device: string;
}

export const DEVICE_PREFIX = 'device:';

export class DeviceRegistry {
  private readonly entries: { device: Device; sources: AllowList }[];
  private readonly sent = new Map<string, number[]>();
  private readonly orgDomains: Set<string>;

  constructor(
    devices: readonly Device[],
    orgDomains: readonly string[],
    private readonly clock: () => number = Date.now,
  ) {
    this.entries = devices.map((device) => ({ device, sources: new AllowList(device.sources) }));
    this.orgDomains = new Set(orgDomains.map((d) => d.toLowerCase()));
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** The device account a session from `ip` is, or null for any other client. */
  userFor(ip: string): DeviceUser | null {
    const entry = this.entries.find((e) => e.sources.has(ip));
    if (!entry) return null;
    const { name, sender } = entry.device;
    return { address: `${DEVICE_PREFIX}${name}`, aliases: [sender.toLowerCase()], appPasswordId: null, device: name };
  }

  /** MAIL FROM: within the device's hourly budget (each accepted MAIL FROM spends one message). */
  checkMailFrom(user: DeviceUser): GatewayError | null {
    const device = this.device(user);
    const now = this.clock();
    const recent = (this.sent.get(device.name) ?? []).filter((t) => t > now - 3_600_000);
    if (recent.length >= device.maxMessagesPerHour) return new GatewayError('RATE_LIMITED');
    recent.push(now);
    this.sent.set(device.name, recent);
    return null;
  }

  /** RCPT TO: the device's recipient cap, and internal recipients only unless allowed. */
  checkRecipient(user: DeviceUser, accepted: number, address: string, isAccount: boolean): GatewayError | null {
    const device = this.device(user);
    if (accepted >= device.maxRecipients) return new GatewayError('TOO_MANY_RECIPIENTS', { max: device.maxRecipients });
    if (device.allowExternal || isAccount || this.isInternalDomain(device, address)) return null;
    return new GatewayError('DEVICE_EXTERNAL_RECIPIENT', { device: device.name });
  }

  private isInternalDomain(device: Device, address: string): boolean {
    const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
    return this.orgDomains.has(domain) || domain === device.sender.slice(device.sender.lastIndexOf('@') + 1).toLowerCase();
  }

  private device(user: DeviceUser): Device {
    const entry = this.entries.find((e) => e.device.name === user.device);
    if (!entry) throw new GatewayError('AUTH_FAILED');
    return entry.device;
  }
}

export function isDeviceUser(user: SessionUser | undefined | false): user is DeviceUser {
  return Boolean(user && (user as DeviceUser).device);
}
