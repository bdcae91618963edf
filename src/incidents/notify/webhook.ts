import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebhookConfig } from './config.js';
import { adminBody, campaignBody, campaignSubject, campaignSummary, placeBody, placeSubject, placeSummary, summaryLine, type CampaignFacts, type IncidentFacts, type PlaceFacts } from './texts.js';

/** The payload for each format: our JSON, a Slack incoming-webhook message, a Teams MessageCard. */
export function payloadFor(format: WebhookConfig['format'], f: IncidentFacts): unknown {
  if (format === 'slack') {
    return { text: summaryLine(f), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${summaryLine(f)}*\n${adminBody(f, 'en')}\n\n${adminBody(f, 'ja')}` } }] };
  }
  if (format === 'teams') {
    return {
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: summaryLine(f),
      themeColor: f.state === 'restricted' ? 'D13438' : 'FFB900',
      title: summaryLine(f),
      sections: [{ text: adminBody(f, 'en').replace(/\n/g, '<br>') }, { text: adminBody(f, 'ja').replace(/\n/g, '<br>') }],
    };
  }
  return { type: f.update ? 'incident.updated' : 'incident.opened', incident: f, text: { en: adminBody(f, 'en'), ja: adminBody(f, 'ja') } };
}

/** The payload announcing a campaign allowance, in each format. */
export function campaignPayloadFor(format: WebhookConfig['format'], f: CampaignFacts): unknown {
  const title = campaignSummary(f);
  if (format === 'slack') return { text: title, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${campaignBody(f, 'en')}\n\n${campaignBody(f, 'ja')}` } }] };
  if (format === 'teams') {
    return {
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: campaignSubject(f, 'en'),
      themeColor: '0078D4',
      title,
      sections: [{ text: campaignBody(f, 'en').replace(/\n/g, '<br>') }, { text: campaignBody(f, 'ja').replace(/\n/g, '<br>') }],
    };
  }
  return { type: f.hours === 0 ? 'campaign.ended' : 'campaign.allowed', campaign: f, text: { en: campaignBody(f, 'en'), ja: campaignBody(f, 'ja') } };
}

/** The payload of an incident of the organisation (many accounts at one new place), in each format. */
export function placePayloadFor(format: WebhookConfig['format'], f: PlaceFacts): unknown {
  const title = placeSummary(f);
  if (format === 'slack') return { text: title, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${placeBody(f, 'en')}\n\n${placeBody(f, 'ja')}` } }] };
  if (format === 'teams') {
    return {
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: placeSubject(f, 'en'),
      themeColor: 'D13438',
      title,
      sections: [{ text: placeBody(f, 'en').replace(/\n/g, '<br>') }, { text: placeBody(f, 'ja').replace(/\n/g, '<br>') }],
    };
  }
  return { type: f.update ? 'place-incident.updated' : 'place-incident.opened', incident: f, text: { en: placeBody(f, 'en'), ja: placeBody(f, 'ja') } };
}

/** `sha256=HEX` of timestamp + "." + body: the receiver checks it and refuses replays by the timestamp. */
export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookResult {
  ok: boolean;
  attempts: number;
  status: number | null;
  error: string | null;
}

/**
 * POSTs with exponential backoff (2 s, 4 s, ...). Failure policy: an unreachable endpoint never
 * blocks containment; after the last attempt the failure is reported as an event.
 */
export async function deliverWebhook(hook: WebhookConfig, secret: string, payload: unknown, retries: number, baseDelayMs = 2000): Promise<WebhookResult> {
  const body = JSON.stringify(payload);
  let last: WebhookResult = { ok: false, attempts: 0, status: null, error: null };
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Mailwarden', 'x-mailwarden-timestamp': timestamp };
    if (secret) headers['x-mailwarden-signature'] = sign(secret, timestamp, body);
    try {
      const res = await fetch(hook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      last = { ok: res.ok, attempts: attempt, status: res.status, error: res.ok ? null : `HTTP ${res.status}` };
      // A 4xx other than 408/429 will not get better by retrying.
      if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)) return last;
    } catch (err) {
      last = { ok: false, attempts: attempt, status: null, error: (err as Error).message };
    }
    if (attempt <= retries) await sleep(baseDelayMs * 2 ** (attempt - 1));
  }
  return last;
}
