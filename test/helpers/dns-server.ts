/**
 * A local authoritative DNS server for tests: answers A, AAAA, MX and TXT from a zone map on
 * 127.0.0.1 over UDP and TCP on the same port (TCP because a 2048-bit DKIM key in TXT does not fit
 * a 512-byte UDP answer, and resolvers retry over TCP when the server sets the TC bit).
 *
 * Names missing from the map answer NXDOMAIN; a name present without the asked type answers
 * NOERROR with no records (NODATA), as a real zone does. The zone can be edited while running.
 */
import dns2 from 'dns2';

const { Packet } = dns2;
/** RFC 1035 §4.1.1 response codes (not in the package's type declarations). */
const RCODE = { SERVFAIL: 2, NXDOMAIN: 3 } as const;

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface ZoneEntry {
  A?: string[];
  AAAA?: string[];
  MX?: MxRecord[];
  /** Each record is one string, or its character-strings as an array; long strings are split at 255. */
  TXT?: Array<string | string[]>;
  /** Answer SERVFAIL for this name, whatever the type (to test resolver failure handling). */
  SERVFAIL?: boolean;
}

export type Zone = Record<string, ZoneEntry>;

export interface LocalDnsServer {
  port: number;
  /** `127.0.0.1:PORT`, ready for `Resolver.setServers([...])`. */
  address: string;
  /** The live zone; add or change names between queries. */
  zone: Zone;
  /** Names asked for, in order, lower-cased with the type: `example.com TXT`. */
  queries: string[];
  stop(): Promise<void>;
}

const TYPE_NAMES: Record<number, keyof ZoneEntry> = {
  [Packet.TYPE.A]: 'A',
  [Packet.TYPE.AAAA]: 'AAAA',
  [Packet.TYPE.MX]: 'MX',
  [Packet.TYPE.TXT]: 'TXT',
};

/** RFC 1035 §3.3: a character-string is at most 255 octets. */
function splitTxt(value: string | string[]): string[] {
  const parts = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const part of parts) {
    const buf = Buffer.from(part, 'utf8');
    if (buf.length === 0) out.push('');
    for (let i = 0; i < buf.length; i += 255) out.push(buf.subarray(i, i + 255).toString('utf8'));
  }
  return out;
}

function answersFor(name: string, type: number, entry: ZoneEntry): Record<string, unknown>[] {
  const base = { name, type, class: Packet.CLASS.IN, ttl: 60 };
  switch (TYPE_NAMES[type]) {
    case 'A':
      return (entry.A ?? []).map((address) => ({ ...base, address }));
    case 'AAAA':
      return (entry.AAAA ?? []).map((address) => ({ ...base, address }));
    case 'MX':
      return (entry.MX ?? []).map((mx) => ({ ...base, exchange: mx.exchange, priority: mx.priority }));
    case 'TXT':
      return (entry.TXT ?? []).map((txt) => ({ ...base, data: splitTxt(txt) }));
    default:
      return [];
  }
}

function lookup(zone: Zone, name: string): ZoneEntry | undefined {
  const key = Object.keys(zone).find((k) => k.toLowerCase().replace(/\.$/, '') === name);
  return key === undefined ? undefined : zone[key];
}

async function listenBoth(server: ReturnType<typeof dns2.createServer>, port: number): Promise<number> {
  const addrs = await server.listen({
    udp: { port, address: '127.0.0.1' },
    tcp: { port, address: '127.0.0.1' },
  } as never);
  return (addrs as { udp: { port: number } }).udp.port;
}

/** Starts the server on 127.0.0.1, on a free port shared by UDP and TCP. */
export async function startDnsServer(zone: Zone = {}): Promise<LocalDnsServer> {
  const queries: string[] = [];
  const handle = (request: any, send: (r: any) => unknown): void => {
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    const name = String(question.name).toLowerCase().replace(/\.$/, '');
    queries.push(`${name} ${TYPE_NAMES[question.type] ?? question.type}`);
    const entry = lookup(zone, name);
    response.header.aa = 1;
    if (!entry) response.header.rcode = RCODE.NXDOMAIN;
    else if (entry.SERVFAIL) response.header.rcode = RCODE.SERVFAIL;
    else response.answers.push(...(answersFor(question.name, question.type, entry) as never[]));
    send(response);
  };
  // Port 0 picks a free UDP port; TCP must then bind the same number, which can be taken: retry.
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = dns2.createServer({ udp: true, tcp: true, handle } as never);
    server.on('error', () => undefined);
    const probe = await freeUdpPort();
    try {
      const port = await Promise.race([
        listenBoth(server, probe),
        new Promise<never>((_, reject) => server.once('error', reject)),
      ]);
      return {
        port,
        address: `127.0.0.1:${port}`,
        zone,
        queries,
        stop: async () => {
          await server.close();
        },
      };
    } catch {
      await server.close().catch(() => undefined);
    }
  }
  throw new Error('could not bind a local DNS server on 127.0.0.1');
}

async function freeUdpPort(): Promise<number> {
  const { createSocket } = await import('node:dgram');
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}
