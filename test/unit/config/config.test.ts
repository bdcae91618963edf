import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialise } from '../../../src/app/init.js';
import { redact } from '../../../src/cli/config.js';
import { configReference } from '../../../src/config/docs.js';
import { ConfigError, loadConfig, parseConfig } from '../../../src/config/load.js';

describe('configuration', () => {
  it('fills every default from an empty file', () => {
    const c = parseConfig({});
    expect(c.submission.starttlsPort).toBe(2587);
    expect(c.submission.tlsPort).toBe(2465);
    expect(c.bounces.port).toBe(2525);
    expect(c.delivery.lifetimeHours).toBe(120);
  });

  it('names the key, the bad value and the fix for each problem', () => {
    const err = (() => {
      try {
        parseConfig({ submission: { starttlsPort: 'abc' }, sumbission: {} }, {});
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.problems.join('\n')).toMatch(/submission\.starttlsPort.*"abc".*Fix: /);
    expect(err!.problems.join('\n')).toMatch(/"sumbission": unknown key.*check its spelling/);
  });

  it('takes secrets from the environment over the file', () => {
    const c = parseConfig({ delivery: { smarthost: { password: 'in-file' } } }, { MAILWARDEN_SMARTHOST_PASSWORD: 'from-env', MAILWARDEN_BOUNCE_SECRET: 'b' });
    expect(c.delivery.smarthost.password).toBe('from-env');
    expect(c.bounces.secret).toBe('b');
  });

  it('never prints a secret in "config show"', () => {
    const c = parseConfig({ store: 'postgres://mw:hunter2@db/mail', delivery: { smarthost: { password: 'p4ss' } }, bounces: { secret: 's3cret' } }, {});
    const shown = JSON.stringify(redact(c));
    expect(shown).not.toMatch(/hunter2|p4ss|s3cret/);
    expect(shown).toContain('postgres://mw:[redacted]@db/mail');
  });

  it('writes a commented config with `init` that loads as is, and keeps existing files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-init-'));
    try {
      const first = await initialise(dir);
      expect(readFileSync(first.configPath, 'utf8')).toMatch(/^# Mailwarden configuration/);
      const config = loadConfig(first.configPath);
      expect(config.bounces.secret.length).toBeGreaterThan(20);
      writeFileSync(first.configPath, readFileSync(first.configPath, 'utf8') + '\n# local edit\n');
      const second = await initialise(dir);
      expect(second.created).toEqual([]);
      expect(readFileSync(first.configPath, 'utf8')).toContain('# local edit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps docs/config.md in step with the schema (regenerate with npm run docs:config)', () => {
    expect(readFileSync('docs/config.md', 'utf8')).toBe(configReference());
  });
});
