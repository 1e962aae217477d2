/** Sends one test delivery of a chosen type and shows what the endpoint answered. */
import { useState } from 'preact/hooks';
import { ApiError, id, post } from '../api';
import { ms, orDash } from '../format';
import { href } from '../router';
import type { CatalogEvent, TestResult } from '../types';
import { asApiError, ErrorAlert } from '../ui';

export function TestEventPanel({
  webhookId,
  catalog,
  onSent,
}: {
  webhookId: string;
  catalog: CatalogEvent[];
  onSent: () => void;
}) {
  const [eventType, setEventType] = useState('webhook.test');
  const [result, setResult] = useState<TestResult>();
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError>();

  async function send() {
    setSending(true);
    setError(undefined);
    setResult(undefined);
    try {
      const body = eventType === 'webhook.test' ? {} : { eventType };
      setResult(await post<TestResult>(`webhooks/${id(webhookId)}/test`, body));
      onSent();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setSending(false);
    }
  }

  return (
    <section aria-labelledby="test-heading">
      <h2 id="test-heading">Test event</h2>
      <div class="inline-form">
        <div class="field">
          <label for="test-event-type">Test event type</label>
          <select
            id="test-event-type"
            value={eventType}
            onChange={(e) => setEventType(e.currentTarget.value)}
          >
            <option value="webhook.test">webhook.test</option>
            {catalog
              .filter((event) => event.type !== 'webhook.test')
              .map((event) => (
                <option key={event.type} value={event.type}>
                  {event.type}
                </option>
              ))}
          </select>
        </div>
        <button type="button" disabled={sending} onClick={send}>
          Send test event
        </button>
      </div>
      {sending && <p class="muted">Sending…</p>}
      {result && (
        <div class={result.success ? 'result ok' : 'result bad'} role="status">
          <p>
            <strong>{result.success ? 'Delivered' : 'Delivery failed'}</strong>
            {` — status code ${orDash(result.statusCode)}, ${ms(result.responseTimeMs)}`}
          </p>
          {result.error && <p>Error: {result.error}</p>}
          {result.logId && (
            <p>
              <a href={href('endpoints', webhookId, 'logs', result.logId)}>See this delivery</a>
            </p>
          )}
        </div>
      )}
      <ErrorAlert error={error} />
    </section>
  );
}
