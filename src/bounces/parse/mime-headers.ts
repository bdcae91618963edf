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
  const map = new Map<string, string[]>();
  let exact = true;
  let reportType: string | undefined;
  for (const line of lines) {
    const key = line.key;
    if (SKIPPED.test(key)) continue;
    const raw = Buffer.from(String(libmime.decodeHeader(line.line).value ?? '').trim(), 'binary').toString();
    if (ADDRESS.has(key) && /@xn--/i.test(raw)) exact = false;
    if (key === 'content-type' && !map.has(key)) reportType = reportTypeOf(raw);
    const values = decodeValue(key, raw);
    if (values === undefined) continue;
    const list = map.get(key);
    if (!list) map.set(key, values);
    else if (!SINGLE.has(key)) list.push(...values);
  }
  return { map, exact, reportType };
}

function reportTypeOf(raw: string): string | undefined {
  const parsed = libmime.parseHeaderValue(raw, { stripComments: true });
  const value = parsed.params['report-type'];
  if (value === undefined) return undefined;
  // a parameter in RFC 2231 form is decoded already
  return (parsed.decodedParams?.includes('report-type') ? value : words(value)).toLowerCase();
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

function addressText(raw: string): string {
  const list = addressparser(raw) as Address[];
  decodeAddresses(list);
  return formatAddresses(list);
}
