/**
 * The console's shared pieces: loading, empty and error states every screen uses, a data-loading hook,
 * form fields that show the API's validation message beside them, and date and state formatting.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure } from './client';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiFailure | undefined;
  loading: boolean;
  reload(): void;
}

const asFailure = (err: unknown): ApiFailure =>
  err instanceof ApiFailure ? err : new ApiFailure(0, 'client', (err as Error).message);

/**
 * Loads `load()` when `deps` change and, with `pollMs`, again every `pollMs` while mounted (the data on
 * screen stays while a reload runs, so polling never flashes the loading state).
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiFailure; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (err: unknown) => live && setState((s) => ({ data: s.data, error: asFailure(err), loading: false })),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  useEffect(() => {
    if (!pollMs) return;
    const timer = setInterval(reload, pollMs);
    return () => clearInterval(timer);
  }, [pollMs, reload]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state state-empty">{children}</p>;
}

export function ErrorState({ error, retry }: { error: ApiFailure; retry?: () => void }) {
  return (
    <div class="state state-error" role="alert">
      <p>
        <strong>Could not load this.</strong> {error.message}
      </p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Renders the loading state, the error state, or `children(data)`. */
export function Async<T>({
  loaded,
  what,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  if (loaded.data !== undefined) {
    return (
      <>
        {loaded.error && <ErrorState error={loaded.error} retry={loaded.reload} />}
        {children(loaded.data)}
      </>
    );
  }
  if (loaded.error) return <ErrorState error={loaded.error} retry={loaded.reload} />;
  return <Loading what={what} />;
}

/** A screen's title; it takes focus when the screen opens so keyboard and screen-reader users land on it. */
export function ScreenTitle({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** A message after an action: success is polite, failure is an alert. */
export function Notice({ notice }: { notice: { ok: boolean; text: string } | null }) {
  if (!notice) return null;
  return (
    <p class={notice.ok ? 'notice notice-ok' : 'notice notice-error'} role={notice.ok ? 'status' : 'alert'}>
      {notice.text}
    </p>
  );
}

let fieldIds = 0;

/** A labelled form field; `error` is shown beside it and announced with it. */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: string;
  error?: string | undefined;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => JSX.Element;
}) {
  const [id] = useState(() => `field-${++fieldIds}`);
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={id}>{label}</label>
      {children({
        id,
        ...(described ? { 'aria-describedby': described } : {}),
        ...(error ? { 'aria-invalid': true } : {}),
      })}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(iso: string | null | undefined): string {
  return iso ? dateFormat.format(new Date(iso)) : '—';
}

export function When({ iso }: { iso: string | null | undefined }) {
  return iso ? <time dateTime={iso}>{formatDate(iso)}</time> : <>—</>;
}

/** The External ID column: Pending, Sync Failed, Do Not Send, or the Acumatica key. */
export function ExternalId({ value }: { value: string | null }) {
  if (value === null) return <span class="muted">—</span>;
  const kind =
    value === 'Pending'
      ? 'pending'
      : value === 'Sync Failed'
        ? 'failed'
        : value === 'Do Not Send'
          ? 'excluded'
          : 'key';
  return <span class={`badge badge-${kind}`}>{value}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-status-${status}`}>{status}</span>;
}

/** A table's scroll box: focusable and named, so keyboard users can scroll a wide table on a phone. */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** Back and forward buttons of a keyset-paged list. */
export function Pager({
  back,
  forward,
}: {
  back: { label: string; disabled: boolean; go: () => void };
  forward: { label: string; disabled: boolean; go: () => void };
}) {
  return (
    <div class="pager">
      {[back, forward].map((b) => (
        <button key={b.label} type="button" disabled={b.disabled} onClick={b.go}>
          {b.label}
        </button>
      ))}
    </div>
  );
}
