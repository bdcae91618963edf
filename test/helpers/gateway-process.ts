/**
 * The gateway as a separate process started from the CLI, for tests that kill it (kill -9)
 * or measure it from outside.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface GatewayProcess {
  child: ChildProcess;
  port: number;
  /** Graceful stop (SIGTERM). */
  stop(): Promise<void>;
  /** kill -9: no chance to flush or clean up. */
  kill9(): Promise<void>;
}

export async function startGatewayProcess(dir: string, extraArgs: string[] = []): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [...extraArgs, '--import', 'tsx', 'src/cli/main.ts', 'start', '--config', join(dir, 'mailwarden.yaml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MAILWARDEN_LANG: 'en' },
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /STARTTLS\)\s+\S+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${out}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
