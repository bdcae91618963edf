/**
 * Enhanced status codes (RFC 3463, the IANA registry, RFC 7505) -> reason, used only when the
 * diagnostic text matched no rule: the text is more precise than the code, which many servers set
 * loosely (5.7.1 for anything refused, 5.1.10 for an unknown recipient at Microsoft 365).
 * Keys are "subject.detail"; the class digit (4 or 5) does not change the reason.
 */
export const STATUS_REASONS: Readonly<Record<string, string>> = {
  '1.1': 'userunknown', // bad destination mailbox address
  '1.2': 'hostunknown', // bad destination system address
  '1.3': 'userunknown', // bad destination mailbox address syntax
  '1.4': 'userunknown', // destination mailbox address ambiguous
  '1.5': 'delivered', // destination address valid (success codes only)
  '1.6': 'hasmoved', // destination mailbox has moved
  '1.7': 'rejected', // bad sender's mailbox address syntax
  '1.8': 'rejected', // bad sender's system address
  '1.9': 'systemerror', // message relayed to non-compliant mailer
  '1.10': 'notaccept', // recipient address has null MX (RFC 7505)
  '2.0': 'undefined', // other or undefined mailbox status
  '2.1': 'suspend', // mailbox disabled, not accepting messages
  '2.2': 'mailboxfull', // mailbox full
  '2.3': 'exceedlimit', // message length exceeds administrative limit
  '2.4': 'systemerror', // mailing list expansion problem
  '3.0': 'systemerror', // other or undefined mail system status
  '3.1': 'systemfull', // mail system full
  '3.2': 'notaccept', // system not accepting network messages
  '3.3': 'systemerror', // system not capable of selected features
  '3.4': 'mesgtoobig', // message too big for system
  '3.5': 'systemerror', // system incorrectly configured
  '4.0': 'networkerror', // other or undefined network or routing status
  '4.1': 'networkerror', // no answer from host
  '4.2': 'networkerror', // bad connection
  '4.3': 'systemerror', // directory server failure
  '4.4': 'hostunknown', // unable to route
  '4.5': 'systemfull', // mail system congestion
  '4.6': 'networkerror', // routing loop detected
  '4.7': 'expired', // delivery time expired
  '5.0': 'syntaxerror', // other or undefined protocol status
  '5.1': 'syntaxerror', // invalid command
  '5.2': 'syntaxerror', // syntax error
  '5.3': 'exceedlimit', // too many recipients
  '5.4': 'syntaxerror', // invalid command arguments
  '5.5': 'syntaxerror', // wrong protocol version
  '6.0': 'contenterror', // other or undefined media error
  '6.1': 'contenterror', // media not supported
  '6.2': 'contenterror', // conversion required and prohibited
  '6.3': 'contenterror', // conversion required but not supported
  '6.5': 'contenterror', // conversion failed
  '7.0': 'securityerror', // other or undefined security status
  '7.1': 'securityerror', // delivery not authorized, message refused (the text usually says more)
  '7.2': 'securityerror', // mailing list expansion prohibited
  '7.3': 'securityerror', // security conversion required but not possible
  '7.4': 'securityerror', // security features not supported
  '7.5': 'securityerror', // cryptographic failure
  '7.6': 'securityerror', // cryptographic algorithm not supported
  '7.7': 'securityerror', // message integrity failure
  '7.8': 'securityerror', // authentication credentials invalid
  '7.9': 'securityerror', // authentication mechanism is too weak
  '7.10': 'securityerror', // encryption needed
  '7.11': 'securityerror', // encryption required for requested authentication mechanism
  '7.13': 'suspend', // user account disabled
  '7.17': 'suspend', // mailbox owner has changed
  '7.18': 'suspend', // domain owner has changed
  '7.20': 'securityerror', // no passing DKIM signature found
  '7.23': 'securityerror', // SPF validation failed
  '7.25': 'blocked', // reverse DNS validation failed
  '7.26': 'securityerror', // multiple authentication checks failed
  '7.27': 'notaccept', // sender address has null MX
};

/** Reasons for a bare class when nothing finer is known. */
export const CLASS_REASONS: Readonly<Record<string, string>> = {
  '2': 'delivered',
};

/**
 * The status a notice implies when it quotes no code at all ("Unrouteable address", "As their
 * mailbox is full."): the usual code for the reason, in the class the action implies. Reasons
 * without a conventional code are left without one.
 */
export const REASON_STATUS: Readonly<Record<string, string>> = {
  userunknown: '1.1',
  hostunknown: '1.2',
  hasmoved: '1.6',
  rejected: '1.8',
  notaccept: '1.10',
  suspend: '2.1',
  mailboxfull: '2.2',
  exceedlimit: '2.3',
  filtered: '2.0',
  systemfull: '3.1',
  mesgtoobig: '3.4',
  systemerror: '3.0',
  networkerror: '4.0',
  expired: '4.7',
  syntaxerror: '5.0',
  contenterror: '6.0',
  securityerror: '7.0',
  blocked: '7.1',
  spamdetected: '7.1',
  virusdetected: '7.1',
  policyviolation: '7.1',
  norelaying: '7.1',
  toomanyconn: '4.5',
  speeding: '7.1',
  mailererror: '3.0',
};
