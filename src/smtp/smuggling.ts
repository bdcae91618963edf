/**
 * SMTP smuggling (CVE-2023-51764 and kin): a receiver that accepts "<LF>.<LF>" or "<CR>.<CR>"
 * as end-of-data would split one message into two, the second one forged. smtp-server ends
 * DATA only on "<CRLF>.<CRLF>", so such sequences arrive here as content; relaying them would
 * hand the split to the next hop. Any "." line touched by a bare CR or LF is refused.
 */
const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

export function findSmuggling(data: Buffer): number {
  let i = data.indexOf(DOT);
  while (i !== -1) {
    const before = i > 0 ? data[i - 1] : -1;
    const after = i + 1 < data.length ? data[i + 1] : -1;
    if ((before === CR || before === LF) && (after === CR || after === LF)) {
      const cleanBefore = before === LF && i >= 2 && data[i - 2] === CR;
      const cleanAfter = after === CR && data[i + 2] === LF;
      if (!cleanBefore || !cleanAfter) return i;
    }
    i = data.indexOf(DOT, i + 1);
  }
  return -1;
}

/** Length of the longest line (without its line ending), for the RFC 5322 998-character limit. */
export function longestLine(data: Buffer): number {
  let longest = 0;
  let start = 0;
  let i = data.indexOf(LF);
  while (i !== -1) {
    const end = i > 0 && data[i - 1] === CR ? i - 1 : i;
    if (end - start > longest) longest = end - start;
    start = i + 1;
    i = data.indexOf(LF, start);
  }
  return Math.max(longest, data.length - start);
}
