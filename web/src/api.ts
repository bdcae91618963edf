/** The console's only way to the server: same-origin JSON, the CSRF token on every change. */
export interface Text {
  en: string;
  ja: string;
}

export interface ApiErrorBody {
  code: string;
  message: Text;
  fix?: Text;
  details?: unknown;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message.en);
  }
}

let csrf = '';
let onSignedOut: () => void = () => undefined;

export function setCsrf(token: string): void {
  csrf = token;
}

export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const err = json?.error ?? { code: 'INTERNAL', message: { en: `HTTP ${res.status}`, ja: `HTTP ${res.status}` } };
    if (res.status === 401 && path !== '/api/session') onSignedOut();
    throw new ApiFailure(res.status, err);
  }
  return json as T;
}

export const get = <T = any>(path: string) => api<T>('GET', path);
export const post = <T = any>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const del = <T = any>(path: string) => api<T>('DELETE', path);
export const enc = encodeURIComponent;
