import { loadRules } from './load.js';

/**
 * Replies about the recipient's mailbox or domain. Order matters where texts overlap: a full or
 * disabled mailbox is checked before "mailbox unavailable", which would otherwise read as unknown.
 */
export const RECIPIENT_RULES = loadRules(String.raw`
## hasmoved
# 551 5.1.6 Recipient kijitora@example.net has moved; please try neko@example.org
# 550 5.1.6 Recipient addresses moved
hasmoved        \bhas moved\b|addresses? (has )?moved|5\.1\.6\b

## suspend: the mailbox exists but is disabled or suspended
# 550 5.2.1 The email account that you tried to reach is disabled. Learn more at https://support.google.com/mail/?p=DisabledUser
# 554 delivery error: dd Sorry your message to kijitora@yahoo.co.jp cannot be delivered. This mailbox is disabled (554.30).
suspend         (account|mailbox|user) (that you tried to reach )?(is|has been) (disabled|suspended|deactivated|inactive|locked|frozen)|account is temporarily limited|account (disabled|suspended)
# The user(s) account is disabled.
# 550 5.2.1 Mailbox unavailable: this account has been disabled or discontinued
suspend         user\(s\) account is (disabled|temporarily limited)|disabled or discontinued|(extended|long) inactivity|no longer active|mailbox (is )?(disabled|suspended)

## mailboxfull
# 552-5.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp
# 554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded
mailboxfull     over ?quota|quota ?exceeded|exceeded (storage|quota)|mailbox (is |was )?full|mailbox size limit|full mailbox|QuotaExceeded
# As their mailbox is full.
# The user(s) account is temporarily over quota.
# 452 4.2.2 <kijitora@example.net>: Insufficient disk space; try again later
mailboxfull     their mailbox is full|insufficient (disk|storage) space|not enough (disk )?space|mailfolder is full|user has too many messages|disk quota|\bquota\b
# メールボックスの容量がいっぱいのため受信できません
mailboxfull     容量(が|を)?(いっぱい|オーバー|超過)|メールボックス(が|は)?(満杯|いっぱい)

## mesgtoobig and exceedlimit: the message, not the mailbox, is too large
# 552 5.3.4 Message size exceeds fixed maximum message size
# 552 5.2.3 Message exceeds local size limit.
mesgtoobig      message (size )?(exceeds|is too (large|big))|size exceeds|too large|message length exceeds|5\.3\.4\b
# 552 5.2.3 Message too big for this recipient (exceeds administrative limit)
exceedlimit     exceeds? (the )?administrative limit|5\.2\.3\b|message too big

## hostunknown
# Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found, try again
# 550 Unrouteable address
hostunknown     host or domain name not found|unrouteable address|host not found|domain not found|no such domain|domain (does not|doesn't) exist|name service error
# As the remote domain doesnt exist.
# Sorry, I couldn't find any host named example.invalid. (#5.1.2)
# 550 5.4.310 DNS domain example.invalid does not exist
hostunknown     remote domain doesnt exist|couldn't find any host named|DNS domain .* does not exist|all relevant MX records point to non-existent hosts|unknown (host|domain)|5\.1\.2\b|ドメイン(が|は)?存在しません

## userunknown
# 550 5.1.1 <kijitora@example.net>: Recipient address rejected: User unknown in local recipient table
# 550 5.1.1 <kijitora@example.net>... User unknown
# 550 Unknown user kijitora@docomo.ne.jp
userunknown     user unknown|unknown user|unknown (recipient|mailbox|local ?part|e-?mail address)|recipient unknown|address unknown
# 550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.
# 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient kijitora@example.net not found by SMTP address lookup
userunknown     account that you tried to reach does not exist|RESOLVER\.ADR\.Recip(ient)?NotFound|recipient not found|(user|mailbox|address|recipient) (does not|doesn't|not) exist|no such (user|mailbox|recipient|address)
# 554 delivery error: dd This user doesn't have a yahoo.co.jp account (kijitora@yahoo.co.jp) [0] - mta1002.mail.kks.yahoo.co.jp
# Sorry, no mailbox here by that name. (#5.1.1)
userunknown     doesn't have a [a-z0-9.-]+ account|no mailbox here by that name|invalid (recipient|mailbox|address)|(mailbox|user) not found|not a valid (mailbox|recipient|user)
# 550 5.5.0 Requested action not taken: mailbox unavailable.
# 550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [TYAPR01MB1234.jpnprd01.prod.outlook.com]
userunknown     requested action not taken: mailbox unavailable|recipient address rejected: access denied|mailbox unavailable|mailbox not available|recipient address rejected: (invalid user|user)
# User kijitora (kijitora@example.net) not listed in Domino Directory
# 550 <kijitora@example.net>... No such person at this address
userunknown     not listed in (the )?(Domino Directory|public Name & Address Book)|no such person|is not a known user|bad destination mailbox|address rejected|bad recipient
# 宛先のメールアドレスは存在しません
userunknown     (アドレス|ユーザ|宛先)(ー)?(は|が)?存在しません

## filtered: the recipient (or the recipient's carrier) refuses this sender
# 550 5.7.1 Mail rejected by recipient's filter
# 550 Message rejected: the recipient has blocked your address
filtered        recipient'?s? filter|has blocked your (address|domain)|blocked by (the )?recipient|recipient (is not accepting|refuses)|受信拒否
`, 'rules/recipient.ts');
