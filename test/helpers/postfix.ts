/**
 * A private Postfix instance (Debian's package) as a test's next hop. It has its own config,
 * queue and data directories in a temp dir and listens on a free port on 127.0.0.1, so the
 * system's own Postfix (if any) and port 25 are never touched.
 *
 * What it does with mail, chosen so each outcome is a real DSN sent after acceptance:
 * - `customer.example` is a virtual mailbox domain: `USERS.existing` gets the mail, any other
 *   user is accepted at RCPT (smtpd_reject_unlisted_recipient = no) and then bounced by the
 *   queue manager as unknown (5.1.1); `USERS.full` has a mailbox already at its size limit (5.2.2).
 * - `closed.example` is routed to a port nobody listens on; maximal_queue_lifetime = 0 makes
 *   Postfix try once and bounce ("Connection refused", 4.4.1 in a failed DSN).
 * - the bounce domains are routed to the gateway's bounce listener, so the DSN comes back to it.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const POSTFIX = '/usr/sbin/postfix';
export const DOMAIN = 'customer.example';
export const CLOSED_DOMAIN = 'closed.example';
export const USERS = { existing: `kijitora@${DOMAIN}`, unknown: `nobody-here@${DOMAIN}`, full: `mike@${DOMAIN}`, closed: `hanako@${CLOSED_DOMAIN}` };

/** Both message_size_limit and virtual_mailbox_limit: Postfix refuses a mailbox limit below the message limit. */
const SIZE_LIMIT = 64_000;
/** The uid and gid the virtual delivery agent writes mailboxes as (any unprivileged id). */
const VMAIL_ID = 65534;

/** Why a Postfix test cannot run here, or null when it can. */
export function postfixUnavailable(): string | null {
  if (!existsSync(POSTFIX)) return `${POSTFIX} is not installed (Debian package "postfix"; .ci/run installs it)`;
  if (process.getuid?.() !== 0) return 'starting Postfix needs root';
  return null;
}

export interface PrivatePostfix {
  port: number;
  dir: string;
  /** The mailbox file of a virtual user, as delivered. */
  mailbox(address: string): string;
  /** Postfix's own log lines (maillog_file), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface PrivatePostfixOptions {
  /** Where Postfix delivers mail for these domains: the gateway's bounce listener. */
  bounceDomains: string[];
  bouncePort: number;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

function mainCf(root: string, o: PrivatePostfixOptions, closedPort: number): string {
  const transports = [...o.bounceDomains.map((d) => `${d} smtp:[127.0.0.1]:${o.bouncePort}`), `${CLOSED_DOMAIN} smtp:[127.0.0.1]:${closedPort}`];
  writeFileSync(join(root, 'conf', 'transport'), transports.join('\n') + '\n');
  writeFileSync(join(root, 'conf', 'vmailbox'), [USERS.existing, USERS.full].map((u) => `${u} ${DOMAIN}/${u.split('@')[0]}`).join('\n') + '\n');
  return [
    'compatibility_level = 3.6',
    'mail_owner = postfix',
    'setgid_group = postdrop',
    'myhostname = mx.customer.example',
    'mydomain = customer.example',
    'myorigin = $myhostname',
    'mydestination =',
    'relayhost =',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'mynetworks = 127.0.0.0/8',
    `queue_directory = ${join(root, 'queue')}`,
    `data_directory = ${join(root, 'data')}`,
    `maillog_file = ${join(root, 'maillog')}`,
    `maillog_file_prefixes = ${root}`,
    'alias_maps =',
    'alias_database =',
    'local_recipient_maps =',
    'biff = no',
    'smtputf8_enable = no',
    // no DNS: every route is an explicit [address]:port
    'smtp_host_lookup = native',
    'disable_dns_lookups = yes',
    'smtp_dns_support_level = disabled',
    'smtpd_client_restrictions =',
    'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
    // accept unknown users at RCPT so that they bounce as a DSN after acceptance
    'smtpd_reject_unlisted_recipient = no',
    `virtual_mailbox_domains = ${DOMAIN}`,
    `virtual_mailbox_maps = texthash:${join(root, 'conf', 'vmailbox')}`,
    `virtual_mailbox_base = ${join(root, 'vmail')}`,
    `virtual_uid_maps = static:${VMAIL_ID}`,
    `virtual_gid_maps = static:${VMAIL_ID}`,
    `virtual_minimum_uid = 100`,
    `message_size_limit = ${SIZE_LIMIT}`,
    `virtual_mailbox_limit = ${SIZE_LIMIT}`,
    `transport_maps = texthash:${join(root, 'conf', 'transport')}`,
    // "try once": a refused connection bounces at the first attempt instead of after days
    'maximal_queue_lifetime = 0',
    'bounce_queue_lifetime = 0',
    'queue_run_delay = 1s',
    'minimal_backoff_time = 1s',
    'maximal_backoff_time = 2s',
    'smtp_connect_timeout = 5s',
    'smtp_tls_security_level = may',
    'smtpd_tls_security_level = none',
    'smtp_tls_loglevel = 0',
    '',
  ].join('\n');
}

function masterCf(port: number): string {
  // chroot "n" everywhere: the queue lives in a temp dir, not under /var/spool/postfix
  const rows = [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'tlsmgr unix - - n 1000? 1 tlsmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'proxywrite unix - - n - 1 proxymap',
    'smtp unix - - n - - smtp',
    'relay unix - - n - - smtp',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'local unix - n n - - local',
    'virtual unix - n n - - virtual',
    'lmtp unix - - n - - lmtp',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
  ];
  return rows.join('\n') + '\n';
}

/** Starts the instance and waits until its SMTP port answers. Needs root and Debian's postfix. */
export async function startPrivatePostfix(o: PrivatePostfixOptions): Promise<PrivatePostfix> {
  const root = mkdtempSync(join(tmpdir(), 'mw-postfix-'));
  // the daemons and the virtual delivery agent run unprivileged and must reach their directories
  chmodSync(root, 0o755);
  const dir = join(root, 'conf');
  const [port, closedPort] = [await freePort(), await freePort()];
  for (const sub of ['conf', 'queue', 'data']) mkdirSync(join(root, sub));
  chownSync(join(root, 'data'), postfixUid(), 0);
  const vmail = join(root, 'vmail', DOMAIN);
  mkdirSync(vmail, { recursive: true });
  // the full mailbox: an mbox file already at the size limit, so one more message cannot fit
  const filler = `From filler@example.net Thu Jan  1 00:00:00 2025\n${'x'.repeat(76)}\n\n`;
  writeFileSync(join(vmail, 'mike'), filler.repeat(Math.ceil(SIZE_LIMIT / filler.length)));
  for (const p of [join(root, 'vmail'), vmail, join(vmail, 'mike')]) chownSync(p, VMAIL_ID, VMAIL_ID);
  writeFileSync(join(dir, 'main.cf'), mainCf(root, o, closedPort));
  writeFileSync(join(dir, 'master.cf'), masterCf(port));
  writeFileSync(join(root, 'maillog'), '');
  const postfix = (...args: string[]) => run(POSTFIX, ['-c', dir, ...args], { env: { ...process.env, MAIL_CONFIG: dir } });
  // without a terminal Postfix reports to syslog only: its maillog is the one place to look
  await postfix('start').catch((err: Error) => {
    throw new Error(`postfix -c ${dir} start failed (${err.message.trim()}); maillog:\n${readFileSync(join(root, 'maillog'), 'utf8')}`);
  });
  await waitForPort(port, 15_000);
  return {
    port,
    dir: root,
    mailbox: (address) => {
      const file = join(vmail, address.split('@')[0]);
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    },
    log: () => (existsSync(join(root, 'maillog')) ? readFileSync(join(root, 'maillog'), 'utf8') : ''),
    async stop() {
      await postfix('stop').catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function postfixUid(): number {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postfix:'));
  return line ? Number(line.split(':')[2]) : 0;
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`Postfix did not answer on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
