/// <reference lib="dom" />
/** Small pieces the pages share: loading state, errors, days left, headings that take focus. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { useI18n } from './i18n';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs `load` when `deps` change (and on reload()), keeping only the latest answer. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {t('loading')}
    </p>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const message =
    error instanceof ApiError
      ? `${error.status === 404 && error.code === 'not_found' ? '' : `${error.code}: `}${error.message}${error.issues.length ? ` (${error.issues.map((i) => `${i.path}: ${i.message}`).join('; ')})` : ''}`
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <p class="error" role="alert">
      <strong>{t('error')}:</strong> {message}
    </p>
  );
}

/** Days left as one big number (as the API counts them: Bangkok calendar days); overdue in red with the word, so colour is never the only signal. */
export function DaysLeft({ days }: { days: number }) {
  const { t } = useI18n();
  const label = days < 0 ? t('overdueBy', { n: -days }) : days === 0 ? t('dueToday') : t('daysLeftN', { n: days });
  return (
    <span class={`days${days < 0 ? ' overdue' : days <= 2 ? ' soon' : ''}`} title={label}>
      <span aria-hidden="true">{days}</span>
      <span class="visually-hidden">{label}</span>
      {days < 0 ? <span class="days-word"> {t('countOverdue')}</span> : null}
    </span>
  );
}

/** False until the first page has been shown: a fresh load leaves focus where the browser puts it (before the skip link). */
let navigated = false;

/** The page's heading, focused when the console moves to another page, so a screen reader hears where it landed. */
export function PageTitle({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (navigated) ref.current?.focus();
    navigated = true;
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export function Field({ label, id, children, hint }: { label: string; id: string; children: ComponentChildren; hint?: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** One column of an item table: its header, and what an item shows in it. */
export interface Column<T> {
  header: string;
  cell(item: T): ComponentChildren;
  /** This column names the row (`<th scope="row">`) for screen readers. */
  rowHeader?: boolean;
}

/**
 * A table of items: one header per column, one row per item, and a caption that names the table
 * for screen readers. The registers, the queue and the policy versions all show their lists so.
 */
export function ItemTable<T>({
  items,
  columns,
  caption,
  rowKey,
  testId,
  className,
  rowClass,
}: {
  items: readonly T[];
  columns: Column<T>[];
  caption: string;
  rowKey(item: T, index: number): string;
  testId?: string;
  className?: string;
  rowClass?(item: T): string;
}) {
  return (
    <table data-testid={testId} class={className}>
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c.header}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.map((item, index) => (
          <tr key={rowKey(item, index)} class={rowClass?.(item)}>
            {columns.map((c) =>
              c.rowHeader ? (
                <th scope="row" key={c.header}>
                  {c.cell(item)}
                </th>
              ) : (
                <td key={c.header}>{c.cell(item)}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
