/**
 * The one normal form in which the policy measures, compares and looks up passwords.
 *
 * NFKC first (NIST SP 800-63B-4 §3.1.1.2), so that full-width "ｐａｓｓｗｏｒｄ" typed with a
 * Japanese IME is the same password as ASCII "password"; then lower case for list look-ups, because
 * an attacker's dictionary run tries the capitalised variants first and a capital letter adds
 * almost nothing.
 */
export function nfkc(pw: string): string {
  return pw.normalize('NFKC');
}

/** Form used for the common-password list and the context-word comparison. */
export function foldForLookup(pw: string): string {
  return nfkc(pw).toLowerCase();
}

/** Length in Unicode code points, so that "パスワード" counts as 5, not as UTF-16 units or bytes. */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Control characters (C0, DEL, C1) cannot be typed reliably on every client and break
 * line-oriented protocols; everything printable, including spaces and all of Unicode, is allowed.
 */
export function hasControlCharacters(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}
