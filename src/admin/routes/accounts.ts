import type { FastifyInstance } from 'fastify';
import { ADDRESS, changePassword, normaliseAddress, vetPassword } from '../../app/accounts.js';
import { hashPassword } from '../../auth/password-hash.js';
import type { Account } from '../../storage/ports/index.js';
import { ApiError } from '../../errors/catalogue.js';
import { audit, obj, route, str, type AdminDeps } from '../http.js';
import { accountActivity } from './account-activity.js';

export const addressParam = obj({ address: str({ maxLength: 320 }) }, ['address']);

export function publicAccount(a: Account) {
  const { passwordHash: _h, passwordHistory: _p, ...rest } = a;
  return rest;
}

export async function mustGetAccount(deps: AdminDeps, raw: string): Promise<Account> {
  const address = normaliseAddress(raw);
  const a = await deps.store.accounts.get(address);
  if (!a) throw new ApiError('NOT_FOUND', { what: 'account', id: address });
  return a;
}

function refuseBadAddress(address: string): void {
  if (!ADDRESS.test(address)) throw new ApiError('BAD_ADDRESS', { address });
}

function policyRefusal(problems: unknown): never {
  throw new ApiError('PASSWORD_REFUSED', {}, problems);
}

const addBody = obj(
  {
    address: str({ maxLength: 320 }),
    name: str({ maxLength: 200 }),
    password: str({ maxLength: 1024 }),
    aliases: { type: 'array', items: str({ maxLength: 320 }), maxItems: 100 },
    group: str({ maxLength: 100 }),
    lang: { type: 'string', enum: ['en', 'ja'] },
    appPasswordsOnly: { type: 'boolean' },
  },
  ['address', 'password'],
);

/** Mail accounts: the same rules as `mailwarden user`, through src/app/accounts.ts. */
export function accountRoutes(app: FastifyInstance, deps: AdminDeps): void {
  readRoutes(app, deps);
  createRoutes(app, deps);
  lifecycleRoutes(app, deps);
}

function readRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store } = deps;
  route(app, deps, { method: 'GET', url: '/api/accounts', permission: 'read', tag: 'accounts', summary: 'List accounts', summaryJa: 'アカウント一覧',
    handler: async () => ({ accounts: (await store.accounts.list()).map(publicAccount) }) });

  route(app, deps, { method: 'GET', url: '/api/accounts/:address', permission: 'read', tag: 'accounts', params: addressParam,
    summary: 'One account with app passwords, login history, hourly sending and incidents', summaryJa: 'アカウントの詳細 (アプリパスワード・ログイン履歴・送信数・インシデント)',
    handler: async (req) => {
      const a = await mustGetAccount(deps, (req.params as { address: string }).address);
      return { account: publicAccount(a), ...(await accountActivity(deps, a.address)) };
    } });

}

function createRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store } = deps;
  route(app, deps, { method: 'POST', url: '/api/accounts', permission: 'manage-accounts', tag: 'accounts', body: addBody, summary: 'Add an account', summaryJa: 'アカウントを追加',
    handler: async (req) => {
      const b = req.body as { address: string; name?: string; password: string; aliases?: string[]; group?: string; lang?: 'en' | 'ja'; appPasswordsOnly?: boolean };
      const address = normaliseAddress(b.address);
      refuseBadAddress(address);
      const aliases = (b.aliases ?? []).map(normaliseAddress);
      aliases.forEach(refuseBadAddress);
      if (await store.accounts.get(address)) throw new ApiError('ACCOUNT_EXISTS', { address });
      const vetted = await vetPassword(b.password, { address, name: b.name });
      if (!vetted.ok) policyRefusal(vetted.problems);
      const created = await store.accounts.create({ address, name: b.name ?? '', passwordHash: await hashPassword(b.password), aliases, group: b.group ?? null, lang: b.lang ?? null, appPasswordsOnly: b.appPasswordsOnly ?? false });
      await store.events.append({ ts: new Date().toISOString(), code: 'account:created', account: address, data: { by: `admin:${req.admin!.username}` } });
      await audit(deps, req, 'account.add', address);
      return { account: publicAccount(created) };
    } });

  route(app, deps, { method: 'POST', url: '/api/accounts/:address/password', permission: 'manage-accounts', tag: 'accounts', params: addressParam,
    body: obj({ password: str({ maxLength: 1024 }) }, ['password']), summary: 'Set a new password (password policy applies)', summaryJa: 'パスワードを再設定 (パスワードポリシー適用)',
    handler: async (req) => {
      const a = await mustGetAccount(deps, (req.params as { address: string }).address);
      const result = await changePassword(store, a, (req.body as { password: string }).password);
      if (!result.ok) policyRefusal(result.problems);
      await audit(deps, req, 'account.passwd', a.address);
      return { ok: true };
    } });

}

function lifecycleRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store } = deps;
  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    route(app, deps, { method: 'POST', url: `/api/accounts/:address/${verb}`, permission: 'manage-accounts', tag: 'accounts', params: addressParam,
      body: obj({ reason: str({ maxLength: 2000 }) }), summary: `${verb === 'disable' ? 'Disable' : 'Enable'} an account`, summaryJa: disabled ? 'アカウントを無効化' : 'アカウントを有効化',
      handler: async (req) => {
        const a = await mustGetAccount(deps, (req.params as { address: string }).address);
        await store.accounts.update(a.address, { disabled });
        await store.events.append({ ts: new Date().toISOString(), code: `account:${verb}d`, account: a.address, data: { by: `admin:${req.admin!.username}` } });
        await audit(deps, req, `account.${verb}`, a.address, (req.body as { reason?: string } | undefined)?.reason ?? '');
        return { ok: true };
      } });
  }

  route(app, deps, { method: 'DELETE', url: '/api/accounts/:address', permission: 'manage-accounts', tag: 'accounts', params: addressParam, summary: 'Delete an account', summaryJa: 'アカウントを削除',
    handler: async (req) => {
      const a = await mustGetAccount(deps, (req.params as { address: string }).address);
      await store.accounts.delete(a.address);
      await store.events.append({ ts: new Date().toISOString(), code: 'account:deleted', account: a.address, data: { by: `admin:${req.admin!.username}` } });
      await audit(deps, req, 'account.delete', a.address);
      return { ok: true };
    } });

  route(app, deps, { method: 'PUT', url: '/api/accounts/:address/aliases', permission: 'manage-accounts', tag: 'accounts', params: addressParam,
    body: obj({ aliases: { type: 'array', items: str({ maxLength: 320 }), maxItems: 100 } }, ['aliases']), summary: 'Replace the aliases an account may send as', summaryJa: '送信に使えるエイリアスを設定',
    handler: async (req) => {
      const a = await mustGetAccount(deps, (req.params as { address: string }).address);
      const aliases = [...new Set((req.body as { aliases: string[] }).aliases.map(normaliseAddress))];
      aliases.forEach(refuseBadAddress);
      await store.accounts.update(a.address, { aliases });
      await audit(deps, req, 'account.aliases', a.address, '', { before: a.aliases, after: aliases });
      return { aliases };
    } });
}
