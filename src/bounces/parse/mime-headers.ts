import type { HeaderLine } from '@zone-eu/mailsplit';
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser/index.js';

/**
 * The header values the bounce readers see, decoded the way mailparser decodes them for the full
 * reader, so that both readers hand the same view to the rules: encoded words in the subject and
 * in display names, addresses as `"Name" <addr>`, ids in angle brackets, raw 8-bit text as UTF-8,
 * and, for the fields mailparser keeps once, the first occurrence only. Priority and List-* fields
 * are left out: no reader looks at them.
 */
const SINGLE = new Set([
  'message-id', 'content-id', 'from', 'sender', 'in-reply-to', 'reply-to', 'subject', 'date',
  'content-disposition', 'content-type', 'content-transfer-encoding', 'mime-version',
  'content-description', 'precedence', 'errors-to', 'disposition-notification-to',
]);
const ADDRESS = new Set(['from', 'to', 'cc', 'bcc', 'sender', 'reply-to', 'delivered-to', 'return-path', 'disposition-notification-to']);
const SKIPPED = /^(list-|priority$|x-priority$|x-msmail-priority$|importance$)/;

export interface DecodedHeaders {
  map: Map<string, string[]>;
  /** False when a value needs decoding this module does not do (punycode domains). */
  exact: boolean;
  /** The report-type parameter of the first Content-Type, lower-case. */
  reportType?: string;
}

export function decodeHeaders(lines: HeaderLine[]): DecodedHeaders {
  const raw = new Map<string, string[]>();
  let exact = true;
  for (const line of lines) {
    if (SKIPPED.test(line.key)) continue;
    if (ADDRESS.has(line.key) && /@xn--/i.test(line.line)) exact = false;
    const list = raw.get(line.key);
    if (list) list.push(line.line);
    else raw.set(line.key, [line.line]);
  }
  const type = raw.get('content-type')?.[0];
  return { map: new LazyHeaderMap(raw), exact, reportType: type === undefined ? undefined : reportTypeOf(unfold(type)) };
}

/**
 * Received and the other trace fields make up most of a bounce's header and no reader looks at
 * them: a field is decoded when it is first asked for (or when the map is listed as a whole).
 */
class LazyHeaderMap extends Map<string, string[]> {
  private pending: Map<string, string[]> | undefined;

  constructor(raw: Map<string, string[]>) {
    super();
    this.pending = raw;
  }

  override get(key: string): string[] | undefined {
    this.decode(key);
    return super.get(key);
  }

  override has(key: string): boolean {
    this.decode(key);
    return super.has(key);
  }

  override get size(): number {
    this.decodeAll();
    return super.size;
  }

  override forEach(fn: (value: string[], key: string, map: Map<string, string[]>) => void, thisArg?: unknown): void {
    this.decodeAll();
    super.forEach(fn, thisArg);
  }

  override entries(): MapIterator<[string, string[]]> {
    this.decodeAll();
    return super.entries();
  }

  override keys(): MapIterator<string> {
    this.decodeAll();
    return super.keys();
  }

  override values(): MapIterator<string[]> {
    this.decodeAll();
    return super.values();
  }

  override [Symbol.iterator](): MapIterator<[string, string[]]> {
    return this.entries();
  }

  private decode(key: string): void {
    const lines = this.pending?.get(key);
    if (!lines) return;
    this.pending!.delete(key);
    // mailparser drops an empty field, and keeps the first occurrence of a single-valued one
    const decoded = lines.map((line) => decodeValue(key, unfold(line))).filter((v) => v !== undefined);
    if (decoded.length === 0) return;
    const values = decoded.flat();
    super.set(key, SINGLE.has(key) ? values.slice(0, 1) : values);
  }

  private decodeAll(): void {
    for (const key of [...(this.pending?.keys() ?? [])]) this.decode(key);
  }
}

/** The field value as mailparser sees it: unfolded, trimmed, raw 8-bit bytes read as UTF-8. */
function unfold(line: string): string {
  return Buffer.from(String(libmime.decodeHeader(line).value ?? '').trim(), 'binary').toString();
}

/** Undefined where mailparser drops the field (an empty value). */
function decodeValue(key: string, raw: string): string[] | undefined {
  if (key === 'content-type' || key === 'content-disposition' || key === 'dkim-signature') {
    const parsed = libmime.parseHeaderValue(raw, { stripComments: key !== 'dkim-signature' });
    return [parsed.value ? words(parsed.value) : parsed.value];
  }
  if (key === 'date') {
    const date = new Date(raw);
    return [(Number.isNaN(date.getTime()) ? new Date() : date).toISOString()];
  }
  if (key === 'subject') {
    const subject = words(raw);
    return subject ? [subject] : undefined;
  }
  if (key === 'references') return words(raw).split(/\s+/).map(bracketId).filter((v) => v !== '');
  if (key === 'message-id' || key === 'in-reply-to') {
    const id = bracketId(words(raw));
    return id ? [id] : undefined;
  }
  if (ADDRESS.has(key)) return [addressText(raw)];
  return raw ? [raw] : undefined;
}

function words(value: string): string {
  // nothing to decode without an encoded word (libmime's join marker needs a NUL as well)
  if (!value.includes('=?') && !value.includes('\0')) return value;
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

function bracketId(value: string): string {
  if (!value) return '';
  return `${value.startsWith('<') ? '' : '<'}${value}${value.endsWith('>') ? '' : '>'}`;
}

interface Address {
  name: string;
  address?: string;
  group?: Address[];
}

const ENCODED_WORD = /[=]\?[^?]+\?[BbQq]\?[^?]*\?[=]/;

function decodeAddresses(list: Address[]): void {
  for (const a of list) {
    a.name = (a.name || '').toString().trim();
    if (a.name) a.name = words(a.name);
    // RFC 2047 §5: an encoded word never forms an address; one that decodes to a plain address is kept
    if (a.address && ENCODED_WORD.test(a.address)) {
      const decoded = words(a.address);
      a.address = /^[^\s@]+@[^\s@]+$/.test(decoded) && !/[=]\?/.test(decoded) ? decoded : '';
    }
    if (a.group) decodeAddresses(a.group);
  }
}

function formatAddresses(list: Address[]): string {
  return list
    .map((a) => {
      let s = a.name ? `"${a.name.replace(/["\\]/g, '\\$&')}"${a.group ? ': ' : ''}` : '';
      if (a.address) s += a.name ? ` <${a.address}>` : a.address;
      if (a.group) s += `${formatAddresses(a.group)};`;
      return s;
    })
    .join(', ');
}

/** `user@host`, `<user@host>`, `Plain Name <user@host>`, `"Plain Name" <user@host>`. */
const SIMPLE_ADDRESS = /^(?:"([A-Za-z0-9.,_-]+(?: [A-Za-z0-9.,_-]+)*)" |([A-Za-z0-9._-]+(?: [A-Za-z0-9._-]+)*) )?<([A-Za-z0-9._+=-]+@[A-Za-z0-9.-]+)>$|^([A-Za-z0-9._+=-]+@[A-Za-z0-9.-]+)$/;

function addressText(raw: string): string {
  // the usual shapes are formatted directly: the same text addressparser and mailparser give
  const m = SIMPLE_ADDRESS.exec(raw);
  if (m) {
    const name = m[1] ?? m[2];
    return m[4] ?? (name ? `"${name}" <${m[3]}>` : m[3]);
  }
  const list = addressparser(raw) as Address[];
  decodeAddresses(list);
  return formatAddresses(list);
}

function reportTypeOf(raw: string): string | undefined {
  const parsed = libmime.parseHeaderValue(raw, { stripComments: true });
  const value = parsed.params['report-type'];
  if (value === undefined) return undefined;
  // a parameter in RFC 2231 form is decoded already
  return (parsed.decodedParams?.includes('report-type') ? value : words(value)).toLowerCase();
}
