import { describe, expect, it } from 'vitest';
import { ApiError, apiErrors, errors, GatewayError } from '../../../src/errors/catalogue.js';

describe('the error catalogue', () => {
  it('has each code once, across the SMTP and the admin API tables', () => {
    const both = Object.keys(errors).filter((code) => code in apiErrors);
    expect(both).toEqual([]);
  });

  it('has every text in English and Japanese, and placeholders alike in both', () => {
    const texts = [
      ...Object.entries(errors).map(([code, e]) => [code, e.text] as const),
      ...Object.entries(apiErrors).flatMap(([code, e]) => [[code, e.message] as const, ...('fix' in e && e.fix ? [[code, e.fix] as const] : [])]),
    ];
    for (const [code, t] of texts) {
      expect(t.en, code).not.toBe('');
      expect(t.ja, code).not.toBe('');
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(t.ja), code).toEqual(names(t.en));
    }
  });

  it('fills an API error in both languages and an SMTP error as its reply', () => {
    const api = new ApiError('NOT_FOUND', { what: 'account', id: 'x@example.jp' }).toJSON();
    expect(api.error.message).toEqual({ en: 'No account "x@example.jp".', ja: 'account「x@example.jp」はありません。' });
    const smtp = new GatewayError('AUTH_REQUIRED');
    expect([smtp.responseCode, smtp.message]).toEqual([530, '5.7.0 Authentication required']);
  });
});
