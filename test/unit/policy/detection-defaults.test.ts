import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadReplayConfig } from '../../../src/cli/replay.js';
import { detectionConfigSchema } from '../../../src/policy/config.js';
import { detectionDefaults } from '../../../src/policy/detection-defaults.js';

describe('ready-made detection defaults', () => {
  it('equal what the schema fills in for an empty configuration (else: npm run gen:defaults)', () => {
    expect(detectionDefaults()).toStrictEqual(detectionConfigSchema.parse({}));
  });

  it('are a new object each time, so that no caller can change another one\'s', async () => {
    const a = (await loadReplayConfig(undefined)).detection;
    expect(a).toStrictEqual(detectionDefaults());
    a.limits.messagesPerMinute = 1;
    a.orgDomains.push('example.com');
    expect(await loadReplayConfig(undefined)).toStrictEqual({ detection: detectionConfigSchema.parse({}), geo: true });
  });

  it('let replay start without loading the schema library when there is no configuration file', () => {
    // The modules loaded before the first event: static imports, followed from the replay command
    // (type-only imports vanish in compilation; dynamic imports load on demand).
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'([^']+)'/gm)) {
        const spec = m[1];
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        else if (!spec.startsWith('node:')) packages.add(spec);
      }
    };
    visit(fileURLToPath(new URL('../../../src/cli/replay.ts', import.meta.url)));
    expect(seen.size).toBeGreaterThan(10);
    expect([...packages]).toEqual([]);
  });
});
