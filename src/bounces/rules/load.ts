/**
 * Classification rules are data: plain text in the zone-mta bounces.txt spirit, with the real server
 * reply above each rule. Every rule must carry at least one example reply; the test suite feeds each
 * example back through the classifier, so a rule that an earlier one shadows is caught at once.
 *
 *   ## free comment
 *   # 550 5.1.1 <kijitora@example.net>: Recipient address rejected: User unknown in local recipient table
 *   userunknown    recipient address rejected: user unknown
 *
 * The pattern is a JavaScript regular expression, matched case-insensitively against the diagnostic
 * text with whitespace collapsed.
 */
export interface ReasonRule {
  reason: string;
  pattern: RegExp;
  examples: string[];
  /** Where the rule was written, for messages about broken data. */
  source: string;
}

export function loadRules(text: string, source: string): ReasonRule[] {
  const rules: ReasonRule[] = [];
  let examples: string[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('##')) return;
    if (line.startsWith('#')) {
      examples.push(line.slice(1).trim());
      return;
    }
    const m = /^([a-z]+)\s+(.+)$/.exec(line);
    const where = `${source}:${i + 1}`;
    if (!m) throw new Error(`bounce rule ${where}: expected "reason pattern"`);
    if (examples.length === 0) throw new Error(`bounce rule ${where}: no example reply above the rule`);
    rules.push({ reason: m[1], pattern: new RegExp(m[2], 'i'), examples, source: where });
    examples = [];
  });
  return rules;
}
