/**
 * message/delivery-status and message/feedback-report bodies are groups of header-like fields
 * separated by blank lines (RFC 3464 §2.1, RFC 5965 §3.1): the first group is about the message,
 * each further group about one recipient. Field names are case-insensitive and values may fold.
 */
export type FieldGroup = Map<string, string[]>;

export function parseFieldGroups(body: string): FieldGroup[] {
  const groups: FieldGroup[] = [];
  for (const block of body.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    const group = parseFields(block);
    if (group.size > 0) groups.push(group);
  }
  return groups;
}

/** Parses one block of `Name: value` lines with RFC 5322 folding. Lines that are not fields are skipped. */
export function parseFields(block: string): FieldGroup {
  const group: FieldGroup = new Map();
  let last: { name: string; index: number } | undefined;
  for (const line of block.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^[ \t]/.test(line) && last) {
      const values = group.get(last.name)!;
      values[last.index] = `${values[last.index]} ${line.trim()}`;
      continue;
    }
    const m = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!m) {
      last = undefined;
      continue;
    }
    const name = m[1].toLowerCase();
    const values = group.get(name) ?? [];
    values.push(m[2].trim());
    group.set(name, values);
    last = { name, index: values.length - 1 };
  }
  return group;
}

export function field(group: FieldGroup | undefined, name: string): string {
  return group?.get(name)?.[0] ?? '';
}

/** `rfc822; user@example.net` -> `user@example.net`; `dns; mx.example.net` -> `mx.example.net`. */
export function typedValue(value: string): string {
  const semi = value.indexOf(';');
  return (semi >= 0 ? value.slice(semi + 1) : value).trim();
}

/**
 * Strips angle brackets and stray punctuation. The domain is folded to lower case (it is
 * case-insensitive); the local part is kept as written, since only its owner may fold it.
 */
export function cleanAddress(value: string): string {
  const m = /<([^<>\s]+)>/.exec(value);
  const bare = (m ? m[1] : (value.trim().split(/\s+/)[0] ?? '')).replace(/^["'(]+|["'.,;:)]+$/g, '');
  const at = bare.lastIndexOf('@');
  return at < 0 ? bare : `${bare.slice(0, at)}@${bare.slice(at + 1).toLowerCase()}`;
}

export function cleanHost(value: string): string {
  const host = typedValue(value).split(/[\s[(]/)[0] ?? '';
  return host.replace(/\.$/, '').toLowerCase();
}

/** Collapses whitespace and drops the `smtp;` diagnostic type (RFC 3464 §2.3.6). */
export function cleanDiagnostic(value: string): string {
  const collapsed = value.replace(/\s+/g, ' ').trim();
  return joinMultiline(collapsed.replace(/^(smtp|x-[a-z0-9-]+|x-unix|x-postfix|x-local);\s*/i, '').trim());
}

/**
 * A multi-line SMTP reply quoted on one line repeats its code on every line
 * ("550-5.1.1 The email account … 550-5.1.1 double-checking … 550 5.1.1 https://…"): keep it once.
 */
export function joinMultiline(reply: string): string {
  const m = /^(\d{3})[ -]((?:[245]\.\d{1,3}\.\d{1,3} )?)/.exec(reply);
  if (!m) return reply;
  const repeat = new RegExp(`\\s${m[1]}[ -]${m[2].replace(/\./g, '\\.')}\\s*`, 'g');
  return `${m[1]} ${m[2]}${reply.slice(m[0].length).replace(repeat, ' ')}`.replace(/\s+/g, ' ').trim();
}
