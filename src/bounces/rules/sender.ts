import { loadRules } from './load.js';

/**
 * Replies that refuse the sending side: its IP or host, its content, its authentication, its rate.
 * They come first: a reply such as "550 5.7.1 <x@example.net>... blocked using zen.spamhaus.org" names
 * a recipient but says nothing about that recipient's mailbox.
 */
export const SENDER_RULES = loadRules(String.raw`
## virusdetected: the content carried malware
# 550 5.7.0 Message rejected: virus Eicar-Test-Signature found
# 554 5.7.1 The message was rejected because it contains prohibited virus or spam content
virusdetected   \bvirus(es)? (found|detected)|\bvirus\b.*\bfound\b|contains? (a )?(prohibited )?virus|infected with|malware (detected|found)
# 550 5.7.1 Message rejected due to a potentially harmful attachment: Win.Trojan.Agent-123
virusdetected   harmful attachment|\btrojan\b

## blocked: the sending IP or host is listed or distrusted
# 554 5.7.1 Service unavailable; Client host [192.0.2.25] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.25
# 550 5.7.1 Service unavailable; client [192.0.2.25] blocked using bl.spamcop.net
blocked         blocked (using|by) [a-z0-9.-]+\.[a-z]{2,}|client host \[?[0-9a-f.:]+\]? blocked
# 550 5.7.1 Unfortunately, messages from [192.0.2.25] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).
# 550 OU-002 (BAY004-MC1F41) Unfortunately, messages from 192.0.2.25 weren't sent.
blocked         on our block ?list|\bS3150\b|messages from \[?[0-9.]+\]? weren't sent
# 553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.25, because the ip is in Spamhaus's list; see https://help.yahoo.com/kb/postmaster/SLN5070.html
# 421 4.7.0 [TSS04] Messages from 192.0.2.25 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes
blocked         \[(BL2[0-9]|TSS0[49]|TS0[0-9])\]|connections (will )?not (be )?accepted from
# 550 5.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.25]
# 550 5.7.25 [192.0.2.25] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.
blocked         cannot find your (reverse )?host ?name|does not have a PTR record|reverse (dns|lookup) (failed|required)|no ptr record|5\.7\.25\b
# 550 5.7.606 Access denied, banned sending IP [192.0.2.25]. To request removal from this list please visit https://sender.office.com/
# 550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.
blocked         banned sending ip|traffic not accepted from this ip|5\.7\.(606|708|511)\b
# 554 Your access to this mail system has been rejected due to the sending MTA's poor reputation.
# 550 5.7.1 Mail from IP 192.0.2.25 was rejected due to listing in Spamhaus XBL.
blocked         poor reputation|bad reputation|rejected due to listing in|(is|was) (black|block)listed|\b(dnsbl|rbl)\b|listed (at|on|in) [a-z0-9.-]+\.(org|net|com)
# 550 Rejected: 192.0.2.25 is in a black list at sbl-xbl.spamhaus.org
blocked         black ?list|block ?list|spamhaus|spamcop|barracudacentral|sorbs\.net

## spamdetected: the content was judged to be spam
# 550-5.7.1 [192.0.2.25] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.
# 554 5.7.1 Message rejected as spam by Content Filtering.
spamdetected    likely unsolicited mail|rejected as spam|classified as spam|considered (as )?spam|detected as spam|spam (content|score|message)|message (is|looks like|was identified as) spam
# 550 5.7.501 Access denied, spam abuse detected. To request removal from this list please visit https://sender.office.com/
# 554 5.7.1 Message refused: spamdetected
spamdetected    spam abuse detected|spamdetected|\bspam\b.*\b(rejected|refused|detected)|\b(rejected|refused|blocked)\b.*\bspam\b|\bUBE\b|junk ?mail

## securityerror: authentication, SPF/DKIM/DMARC or TLS requirements not met
# 550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.
# 550 5.7.509 Access denied, sending domain example.jp does not pass DMARC verification and has a DMARC policy of reject.
securityerror   unauthenticated|\b(spf|dkim|dmarc)\b.*(fail|did not pass|does not pass|verification|policy)|5\.7\.(26|509|23|27)\b
# 530 5.7.0 Must issue a STARTTLS command first
# 530 5.7.1 Authentication required
securityerror   must issue a starttls|tls (is )?required|encryption required|authentication required|authentication is required|\bauth(entication)? failed|sender authentication

## rejected: the envelope sender was refused (the recipient may be fine)
# 553 5.1.8 <info@example.jp>... Domain of sender address info@example.jp does not exist
# 450 4.1.8 <info@example.jp>: Sender address rejected: Domain not found
rejected        domain of sender address|sender address rejected|sender (domain|address) (does not exist|not found|unknown|invalid)|5\.1\.[78]\b
# 550 Verification failed for <info@example.jp> Unrouteable address. Sender verify failed
# 550 5.7.1 Sender rejected
rejected        sender verify failed|verification failed for|sender rejected|sender is rejected|sender (not allowed|denied|blocked)|bad sender address|mail from (address )?rejected

## norelaying
# 554 5.7.1 <kijitora@example.net>: Relay access denied
# 550 5.7.1 Unable to relay for kijitora@example.net
norelaying      relay(ing)? (access )?(denied|not permitted|prohibited)|unable to relay|not permitted to relay|we do not relay|relay not (allowed|permitted)|due to the following smtp relay error

## policyviolation: a local policy of the receiving organisation
# 550 5.7.520 Access denied, Your organization does not allow external forwarding. Please contact your administrator for further assistance. AS(7555)
# 550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; Delivery restriction check failed as sender not authenticated
policyviolation does not allow external forwarding|delivery restriction|RESOLVER\.RST\.|policy (violation|reasons)|violates? (our |the )?policy|content policy|5\.7\.(520|133|134|135)\b

## toomanyconn and speeding: rate and concurrency limits
# 421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later.
# 421 Too many connections from your IP (192.0.2.25)
toomanyconn     too many (concurrent )?(smtp )?connections|connection limit|too many sessions|too many simultaneous
# 421-4.7.28 [192.0.2.25] Our system has detected an unusual rate of unsolicited mail originating from your IP address.
# 450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered.
speeding        unusual rate|receiving mail at a rate|rate limit(ed)?|too many (messages|emails|mails)|sending (rate|too fast)|throttl|4\.7\.28\b|RP-00[0-9]
`, 'rules/sender.ts');
