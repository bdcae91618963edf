import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiFailure } from './api.js';
import { useT } from './i18n.js';
import { texts, type TextKey } from './texts.js';

/** Loads on mount and on `reload()`; errors are kept to be shown, never thrown. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(null)),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, reload };
}

/** An API refusal as the server explained it: what went wrong and what to do. */
export function ErrorBox({ error }: { error: unknown }) {
  const { pick } = useT();
  if (!error) return null;
  if (error instanceof ApiFailure) {
    return (
      <div className="error" role="alert">
        <strong>{pick(error.body.message)}</strong>
        {error.body.fix ? <div>{pick(error.body.fix)}</div> : null}
        {Array.isArray(error.body.details)
          ? (error.body.details as { message?: { en: string; ja: string }; fix?: { en: string; ja: string } }[]).map((d, i) => (
              <div key={i}>
                • {pick(d.message)} {pick(d.fix)}
              </div>
            ))
          : null}
      </div>
    );
  }
  return <div className="error" role="alert">{String(error)}</div>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Loading() {
  const { t } = useT();
  return <p className="muted">{t('loading')}</p>;
}

export function Card({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  return (
    <section className={`card ${className ?? ''}`}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A button that runs an async action, shows its refusal and reports success. */
export function useAction() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const run = async (fn: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await fn();
      setDone(true);
      after?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, done, run };
}

/** Bars for this period, a line for the usual one: enough to see a spike at a glance. */
export function HourChart({ series, usual, labels }: { series: { hour: string; count: number }[]; usual?: { hour: string; count: number }[]; labels: [string, string?] }) {
  const w = 720;
  const h = 160;
  const max = Math.max(1, ...series.map((s) => s.count), ...(usual ?? []).map((s) => s.count));
  const bw = w / series.length;
  const y = (v: number) => h - 20 - (v / max) * (h - 30);
  const line = (usual ?? []).map((s, i) => `${i === 0 ? 'M' : 'L'}${(i + 0.5) * bw},${y(s.count)}`).join(' ');
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={labels[0]}>
        {series.map((s, i) => (
          <rect key={s.hour} x={i * bw + 1} y={y(s.count)} width={bw - 2} height={h - 20 - y(s.count)} className="bar">
            <title>{`${new Date(s.hour).getHours()}:00 — ${s.count}`}</title>
          </rect>
        ))}
        {line ? <path d={line} className="usual" /> : null}
        <text x="0" y={h - 4} className="axis">{new Date(series[0]?.hour ?? Date.now()).getHours()}:00</text>
        <text x={w} y={h - 4} className="axis end">{new Date(series.at(-1)?.hour ?? Date.now()).getHours()}:00</text>
        <text x={w} y="12" className="axis end">{max}</text>
      </svg>
      <figcaption>
        <span className="key bar-key" /> {labels[0]} {labels[1] ? (<><span className="key usual-key" /> {labels[1]}</>) : null}
      </figcaption>
    </figure>
  );
}

/** An account's state (active, watch, restricted) in the reader's language. */
export function StateBadge({ state }: { state: string }) {
  const { t } = useT();
  const key = `state.${state}`;
  return <span className={`badge state-${state}`}>{key in texts ? t(key as TextKey) : state}</span>;
}
