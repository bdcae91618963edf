import { loadRules } from './load.js';

/**
 * Replies about the way to the recipient rather than the recipient itself: time-outs, DNS and
 * connection failures, the remote system's own trouble, protocol errors. They come last because
 * their words ("timed out", "try again") also appear inside more specific replies.
 */
export const TRANSPORT_RULES = loadRules(String.raw`
## expired: the sending side gave up after retrying
# retry timeout exceeded
# 550 5.4.300 Message expired
# Cannot send message for 5 days
expired         retry time ?out exceeded|message expired|cannot send message for [0-9]+ days?|has been in the queue too long|not delivered within [0-9]+ days|delivery time expired|giving up on|message timeout|4\.4\.7\b|5\.4\.(300|7)\b
# Your message was not delivered within 0 days and 1 hours. Remote host is not responding.
expired         was not delivered within|could not be delivered within|delivery attempts? (will|has) (stop|stopped|expire)

## networkerror: DNS, routing and connection failures
# connect to mx.example.net[192.0.2.1]:25: Connection timed out
# delivery temporarily suspended: connect to mx.example.net[192.0.2.1]:25: Connection refused
networkerror    connection (timed out|refused|reset|closed)|conversation with .* timed out|lost connection|could not connect|unable to connect|no route to host|network (is )?unreachable|establish an smtp connection
# 554 5.4.14 Hop count exceeded - possible mail loop ATTR34
# mail for example.net loops back to myself
networkerror    mail loop|loops back to myself|message is looping|too many hops|hop count exceeded|routing loop|dns (query|lookup) failed|temporary (dns|lookup) failure|4\.4\.[12]\b

## systemfull and systemerror: the receiving system's own trouble
# 452 4.3.1 Insufficient system storage
systemfull      insufficient system (storage|resources)|system (storage|disk) (is )?full|4\.3\.1\b|5\.3\.1\b
# 451 4.3.0 Temporary server error. Please try again later
# 421 4.3.2 Service not available, closing transmission channel
systemerror     (temporary|internal|local) (server|system) (error|failure)|server error|system error|service (not |un)available|local error in processing|mailbox (temporarily )?(locked|busy)|4\.3\.[025]\b

## notaccept: the domain does not accept mail at all
# 556 5.1.10 Recipient address has null MX
# 554 5.3.2 This domain does not accept mail
notaccept       null MX|does not accept (e-?)?mail|not accepting (any )?mail|5\.3\.2\b

## contenterror, syntaxerror, mailererror
# 554 5.6.0 Message content rejected
# 550 5.6.1 Invalid MIME structure
contenterror    content rejected|invalid (mime|header|content)|malformed (mime|message|header)|message header (is )?(invalid|malformed)|5\.6\.[0-9]\b
# 501 5.5.4 Syntax error in parameters or arguments
# 500 5.5.1 Command unrecognized
syntaxerror     syntax error|command unrecognized|unrecognized command|bad sequence of commands|5\.5\.[124]\b
# X-Unix; /usr/bin/procmail: exited with status 75
# mail for kijitora: unknown mailer error 1
mailererror     mailer error|exited with status|procmail|command died with status|pipe to .* failed|X-Unix
`, 'rules/transport.ts');
