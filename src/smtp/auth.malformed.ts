/**
 * AUTH commands that smtp-server refuses itself, before our onAuth hook ever sees them: bad
 * base64, an empty or NUL-stuffed PLAIN token, an unknown mechanism (504), AUTH again after a
 * success or in the middle of a transaction (503), AUTH before TLS. Each gets its 5xx from
 * smtp-server as before; this module makes each one also count as a failed login, so that a
 * client probing the parser is slowed and banned like one guessing passwords.
 *
 * smtp-server has no hook for these replies, so each new connection is watched at its two
 * narrowest points: the command it is handling (an AUTH line, or the continuation of an AUTH
 * exchange) and the reply it sends. A 5xx reply to an AUTH step that did not come from onAuth
 * (onAuth failures are counted by the pipeline already) is reported.
 */
import type { SMTPServer } from 'smtp-server';
import type { Session } from './types.js';

/** The mechanism name under which a malformed AUTH reaches the credential check. */
export const MALFORMED_AUTH = 'MALFORMED';

const answered = new WeakSet<object>();

interface ConnectionInternals {
  session: Session;
  _nextHandler: unknown;
  _onCommand(command: Buffer, callback?: () => void): unknown;
  send(code: number, data?: unknown, context?: unknown): unknown;
}

/** Called by onAuth before it replies: that reply is a credential decision, already counted. */
export function markAuthAnswered(session: Session): void {
  answered.add(session);
}

export function watchMalformedAuth(server: SMTPServer, report: (session: Session, code: number) => void): void {
  const connections = (server as unknown as { connections: Set<ConnectionInternals> }).connections;
  const add = connections.add.bind(connections);
  connections.add = (conn: ConnectionInternals) => {
    instrument(conn, report);
    return add(conn);
  };
}

function instrument(conn: ConnectionInternals, report: (session: Session, code: number) => void): void {
  let inAuth = false;
  const onCommand = conn._onCommand.bind(conn);
  conn._onCommand = (command, callback) => {
    const name = (command ?? '').toString('latin1').split(' ', 1)[0].toUpperCase();
    // a line read while an AUTH exchange waits for its next step (334) belongs to that AUTH
    inAuth = name === 'AUTH' || Boolean(conn._nextHandler);
    return onCommand(command, callback);
  };
  const send = conn.send.bind(conn);
  conn.send = (code, data, context) => {
    if (inAuth && code !== 334) {
      inAuth = false;
      const fromOnAuth = answered.delete(conn.session);
      if (code >= 500 && !fromOnAuth) report(conn.session, code);
    }
    return send(code, data, context);
  };
}
