import { z } from 'zod';
import { configSchema } from './index.js';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' \\| ');
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'any'}[]`;
  return Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'any');
}

function rows(schema: JsonSchema, prefix: string, out: string[]): void {
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (s.type === 'object' && s.properties && Object.keys(s.properties).length > 0) {
      if (s.description) out.push(`| \`${path}\` | section | | ${s.description} |`);
      rows(s, path, out);
      continue;
    }
    const def = s.default === undefined ? '' : `\`${JSON.stringify(s.default)}\``;
    out.push(`| \`${path}\` | ${typeOf(s)} | ${def} | ${(s.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
  }
}

/**
 * The configuration reference, generated from the schema (the single source of each key's
 * description and default); a test fails when docs/config.md drifts from it.
 */
export function configReference(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const lines = [
    '# Configuration reference',
    '',
    'Generated from the configuration schema by `mailwarden config docs`; do not edit by hand.',
    'The file is YAML (`mailwarden.yaml`); every key is optional and takes the default shown.',
    'Secrets may come from the environment: `MAILWARDEN_SMARTHOST_PASSWORD`, `MAILWARDEN_BOUNCE_SECRET`,',
    '`MAILWARDEN_APP_PASSWORD_SECRET`, `MAILWARDEN_STORE`, `MAILWARDEN_REDIS_URL`, `MAILWARDEN_WEBHOOK_SECRET`.',
    '',
  ];
  for (const [section, s] of Object.entries(schema.properties ?? {})) {
    const out: string[] = [];
    if (s.type === 'object' && s.properties) rows(s, section, out);
    else rows({ properties: { [section]: s } }, '', out);
    lines.push(`## \`${section}\``, '', ...(s.description ? [s.description, ''] : []), '| key | type | default | description |', '|---|---|---|---|', ...out, '');
  }
  return lines.join('\n');
}
