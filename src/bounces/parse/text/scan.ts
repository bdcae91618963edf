import { classify, statusOrPseudo, statusFromText } from '../classify.js';
import { cleanAddress, cleanHost, joinMultiline } from '../fields.js';
import type { BounceRecipient, MailView } from '../types.js';

/**
 * A non-standard (plain text) bounce format, described as data: where the error section starts and
 * ends, what a recipient line looks like, where the remote host is named. One scanner reads them all.
 */
export interface TextFormat {
  name: string;
  /** Cheap recognition from the sender, subject or headers; the `start` sentence must match as well. */
  detect?: (view: MailView) => boolean;
  /** The fixed sentence that opens the error section. */
  start: RegExp;
  /** Where the returned original begins: nothing past it is read. */
  end?: RegExp;
  /** A line naming one recipient; group 1 is the address, group 2 (optional) the rest of the line. */
  recipient: RegExp;
  /** The remote host, searched in the recipient's block (first non-empty group). */
  remoteMta?: RegExp;
  /** Lines between `start` and the first recipient explain every recipient (au by KDDI). */
  leadIn?: boolean;
  /** Marks a notice about mail still being retried. */
  temporary?: RegExp;
  /** A header-level verdict that outranks the text (X-SPASIGN: NG at au). */
  reasonOverride?: (view: MailView) => string | undefined;
}

interface Block {
  address: string;
  lines: string[];
}

/** Every format scans the same text: it is split into lines once per message. */
const LINES = new WeakMap<MailView, { text: string; lines: string[] }>();

function linesOf(view: MailView): string[] {
  const cached = LINES.get(view);
  if (cached && cached.text === view.text) return cached.lines;
  const lines = view.text.replace(/\r\n?/g, '\n').split('\n');
  LINES.set(view, { text: view.text, lines });
  return lines;
}

export function scanText(view: MailView, format: TextFormat): BounceRecipient[] {
  const lines = linesOf(view);
  const from = lines.findIndex((l) => format.start.test(l));
  if (from < 0) return [];
  const { blocks, lead } = splitBlocks(lines.slice(from), format);
  const temporary = format.temporary?.test(view.text) ?? false;
  const override = format.reasonOverride?.(view);
  return blocks.map((b) => toRecipient(b, format, { lead: format.leadIn ? lead : '', temporary, override }));
}

function splitBlocks(lines: string[], format: TextFormat): { blocks: Block[]; lead: string } {
  const blocks: Block[] = [];
  const lead: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (i > 0 && format.end?.test(line)) break;
    const m = format.recipient.exec(line);
    if (m && /@[^@\s]+\.[^@\s]+$/.test(cleanAddress(m[1]))) {
      const address = cleanAddress(m[1]);
      const known = blocks.find((b) => b.address.toLowerCase() === address.toLowerCase());
      if (known) known.lines.push(m[2] ?? '');
      else blocks.push({ address, lines: [m[2] ?? ''] });
    } else if (blocks.length > 0) {
      blocks[blocks.length - 1].lines.push(line);
    } else {
      lead.push(line);
    }
  }
  return { blocks, lead: collapse(lead.join(' ')) };
}

function toRecipient(
  block: Block,
  format: TextFormat,
  ctx: { lead: string; temporary: boolean; override?: string },
): BounceRecipient {
  const text = block.lines.join('\n');
  const own = smtpReply(text) ?? explanation(text);
  const diagnostic = collapse([ctx.lead, own].filter(Boolean).join(' '));
  const status = statusFromText(own) || statusFromText(text);
  const action = ctx.temporary || status.startsWith('4') ? 'delayed' : 'failed';
  const remote = format.remoteMta ? firstGroup(format.remoteMta.exec(text)) : '';
  const reason = ctx.override ?? classify({ diagnostic, status, action });
  return {
    address: block.address,
    action,
    status: statusOrPseudo(status, reason, action),
    reason,
    diagnostic,
    remoteMta: remote ? cleanHost(remote) : null,
  };
}

/** The remote server's reply inside a block: "550 5.1.1 …" after "said:", "<<<", "#" or a line start. */
export function smtpReply(text: string): string | undefined {
  const m = /(?:^|[\s:;#(>'])([245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3}\b)?[^\n]*(?:\n[ \t]+(?!<<<|>>>)\S[^\n]*)*)/.exec(text);
  if (!m) return undefined;
  return joinMultiline(dropUnbalancedClose(collapse(m[1]).replace(/\s*(##|')+\s*$/, '')));
}

/** "(reason: 552 5.2.2 Mailbox full)" leaves a ")" that belongs to the quoting, not to the reply. */
function dropUnbalancedClose(text: string): string {
  const opens = text.split('(').length;
  const closes = text.split(')').length;
  return closes > opens && text.endsWith(')') ? text.slice(0, -1).trimEnd() : text;
}

/** Without a reply code, the block's own sentences are the explanation. */
function explanation(text: string): string {
  return collapse(text).replace(/^because:\s*/i, '');
}

function firstGroup(m: RegExpExecArray | null): string {
  return m?.slice(1).find((g) => g) ?? '';
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
