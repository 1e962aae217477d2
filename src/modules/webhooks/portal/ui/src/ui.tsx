/** Small building blocks shared by the screens. */
import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import type { DeliveryStatus, Session } from './types';

export const SessionContext = createContext<Session>({ readOnly: true, expiresAt: '' });

/** Whether this session may change things (read-only sessions get 403 on every change). */
export const useCanChange = () => !useContext(SessionContext).readOnly;

/** The screen's heading; takes the focus when the screen opens, so keyboard and screen reader users land on it. */
export function ScreenHeading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads once per change of `key`; `reload` loads again (after an action). */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({
    loading: true,
  });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ error: asApiError(error), loading: false }),
    );
    return () => {
      current = false;
    };
    // `key` stands for load's inputs: a new closure each render, the same request.
  }, [key, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, [String(error)]);
}

/** A server's error messages, announced. */
export function ErrorAlert({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  return (
    <div class="alert" role="alert">
      {error.messages.length === 1 ? (
        <p>{error.messages[0]}</p>
      ) : (
        <ul>
          {error.messages.map((message, index) => (
            <li key={index}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Loading text, the error, or the content once the data is there. */
export function Loading<T>({
  loaded,
  children,
}: {
  loaded: Loaded<T>;
  children: (data: T) => ComponentChildren;
}) {
  if (loaded.error && loaded.data === undefined) {
    return (
      <>
        <ErrorAlert error={loaded.error} />
        <button type="button" onClick={loaded.reload}>
          Try again
        </button>
      </>
    );
  }
  if (loaded.data === undefined) return <p class="muted">Loading…</p>;
  return <>{children(loaded.data)}</>;
}

export function StatusWord({ status }: { status: DeliveryStatus | 'active' | 'disabled' }) {
  return <span class={`status status-${status}`}>{status}</span>;
}

/** A table that scrolls sideways inside its own box on narrow screens. */
export function TableScroll({ children }: { children: ComponentChildren }) {
  return <div class="table-scroll">{children}</div>;
}

export function Pager({
  page,
  limit,
  total,
  onPage,
}: {
  page: number;
  limit: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous page
      </button>
      <span aria-live="polite">
        Page {Math.min(page, pages)} of {pages}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next page
      </button>
    </nav>
  );
}

/** An in-page "are you sure?" in place of window.confirm (which keyboard and tests handle badly). */
export function Confirm({
  question,
  confirmLabel,
  onConfirm,
  onCancel,
  busy,
  children,
}: {
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  children?: ComponentChildren;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // Taken while rendering, before the button that asked is disabled (which drops its focus).
  const [opener] = useState(() => document.activeElement);
  useEffect(() => {
    // Focus comes here, and goes back to the button that asked once the question is gone.
    ref.current?.focus();
    return () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);
  return (
    <div class="confirm" role="group" aria-label={question} tabIndex={-1} ref={ref}>
      <p>{question}</p>
      {children}
      <div class="actions">
        <button type="button" class="danger" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
