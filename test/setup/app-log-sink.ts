/**
 * Where test apps write their log lines instead of stdout (test/helpers/test-app.ts). The
 * e2e test environment (app-logs-environment.ts) prints them when a test fails and drops
 * them otherwise, so the errors a passing test provokes on purpose do not look like failures.
 */
export interface AppLogSink {
  lines: string[];
  write(line: string): void;
}

const KEY = '__webhooksAppLogSink';

/** A sink on `global` (the tests' global object), created by the test environment. */
export function installAppLogSink(global: object): AppLogSink {
  const sink: AppLogSink = { lines: [], write: (line) => void sink.lines.push(line) };
  (global as Record<string, unknown>)[KEY] = sink;
  return sink;
}

/** The sink of the test environment; undefined outside it (the logs then go to stdout). */
export function appLogSink(): AppLogSink | undefined {
  return (globalThis as Record<string, unknown>)[KEY] as AppLogSink | undefined;
}

/** What the test apps logged since the current test started (JSON lines). */
export function appLogLines(): string[] {
  return [...(appLogSink()?.lines ?? [])];
}
