/**
 * A nodemailer client that connects through a "load balancer": it opens the TCP connection
 * itself and sends a PROXY header claiming `sourceIp`, so tests present many client addresses
 * on loopback.
 */
import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import { buildProxyHeader } from '../../src/smtp/proxy-protocol.js';

export function proxiedTransport(port: number, sourceIp: string, auth: { user: string; pass: string }, version: 1 | 2 = 2) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth,
    getSocket: (_options: unknown, callback: (err: Error | null, socketOptions?: { connection: unknown }) => void) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.write(buildProxyHeader(version, { address: sourceIp, port: 40000 + Math.floor(Math.random() * 20000) }, { address: '127.0.0.1', port }));
        callback(null, { connection: socket });
      });
      socket.once('error', (err) => callback(err));
    },
  } as Parameters<typeof nodemailer.createTransport>[0]);
}
