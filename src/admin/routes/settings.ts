import type { FastifyInstance } from 'fastify';
import { route, type AdminDeps } from '../http.js';

/** Keys whose values are secrets wherever they appear in the config tree. */
const SECRET_KEY = /(secret|password|passphrase|token|privatekey|apikey)$/i;

/** The effective config with every secret replaced, and credentials removed from URLs. */
export function redactConfig(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key) && value !== '' && value !== null && value !== undefined) {
    return Array.isArray(value) ? value.map(() => '[redacted]') : '[redacted]';
  }
  if (typeof value === 'string') return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, '$1[redacted]@');
  if (Array.isArray(value)) return value.map((v) => redactConfig(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactConfig(v, k)]));
  }
  return value;
}

/** Settings (read-only: the config file is the record of truth) and the dashboard summary. */
export function settingsRoutes(app: FastifyInstance, deps: AdminDeps): void {
  route(app, deps, { method: 'GET', url: '/api/settings', permission: 'read', tag: 'settings', summary: 'Effective configuration, secrets redacted', summaryJa: '有効な設定 (秘密情報は伏せ字)',
    handler: async () => {
      const { configDir: _dir, ...config } = deps.config;
      return {
        config: redactConfig(config),
        shadowMode: deps.config.detection.shadow,
        // A runtime toggle would let the console and the config file disagree after a restart.
        runtimeChange: false,
        howToChange: {
          en: 'Edit the config file (detection.shadow and the other keys) and restart the gateway; see docs/config.md.',
          ja: '設定ファイル (detection.shadow など) を編集してゲートウェイを再起動してください。docs/config.md を参照。',
        },
      };
    } });
}
