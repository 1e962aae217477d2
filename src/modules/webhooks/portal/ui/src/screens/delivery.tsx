/** `#/endpoints/<id>/logs/<logId>`: one delivery, its attempts, its response, and retry. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, id, post } from '../api';
import { dateTime, json, ms, orDash } from '../format';
import { href } from '../router';
import type { DeliveryLogDetail } from '../types';
import {
  asApiError,
  ErrorAlert,
  Loading,
  ScreenHeading,
  StatusWord,
  TableScroll,
  useCanChange,
  useLoad,
} from '../ui';

const FINAL = new Set(['success', 'failed']);
const POLL_MS = 2000;
const MAX_POLLS = 150;

export function DeliveryScreen({ webhookId, logId }: { webhookId: string; logId: string }) {
  const path = `webhooks/${id(webhookId)}/logs/${id(logId)}`;
  const loaded = useLoad(() => get<DeliveryLogDetail>(path), path);
  const canChange = useCanChange();
  const [retrying, setRetrying] = useState(false);
  /** The attempt count when Retry was pressed: the page looks again until a new attempt shows. */
  const [retriedAfter, setRetriedAfter] = useState<number>();
  const [polls, setPolls] = useState(0);
  const [error, setError] = useState<ApiError>();
  const status = loaded.data?.status;

  const attempts = loaded.data?.attemptCount;
  const awaitingRetry = retriedAfter !== undefined && (attempts ?? 0) <= retriedAfter;
  // While the delivery is not final, or a retry has not shown up yet, the worker may be on it:
  // look again every 2 s (a bounded number of times).
  useEffect(() => {
    if (!status || loaded.loading || polls >= MAX_POLLS) return;
    if (FINAL.has(status) && !awaitingRetry) return;
    const timer = setTimeout(() => {
      setPolls((n) => n + 1);
      loaded.reload();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [status, awaitingRetry, polls, loaded.loading, loaded.data, loaded.reload]);

  async function retry() {
    setRetrying(true);
    setError(undefined);
    try {
      await post(`${path}/retry`);
      setRetriedAfter(loaded.data?.attemptCount ?? 0);
      setPolls(0);
      loaded.reload();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setRetrying(false);
    }
  }

  return (
    <section>
      <ScreenHeading>Delivery</ScreenHeading>
      <p>
        <a href={href('endpoints', webhookId)}>Back to the endpoint</a>
      </p>
      <Loading loaded={loaded}>
        {(log) => (
          <>
            <dl class="facts">
              <dt>Status</dt>
              <dd>
                <StatusWord status={log.status} />
              </dd>
              <dt>Event ID</dt>
              <dd>
                <a href={href('events', log.eventId)}>{log.eventId}</a>
              </dd>
              <dt>Event type</dt>
              <dd>{log.eventType}</dd>
              <dt>Attempts</dt>
              <dd>{log.attemptCount}</dd>
              <dt>Response status</dt>
              <dd>{orDash(log.responseStatus)}</dd>
              <dt>Duration</dt>
              <dd>{ms(log.responseTimeMs)}</dd>
              <dt>Created</dt>
              <dd>{dateTime(log.createdAt)}</dd>
              <dt>Completed</dt>
              <dd>{dateTime(log.completedAt)}</dd>
              {log.nextAttemptAt && (
                <>
                  <dt>Next attempt</dt>
                  <dd>{dateTime(log.nextAttemptAt)}</dd>
                </>
              )}
              {log.errorMessage && (
                <>
                  <dt>Error</dt>
                  <dd>{log.errorMessage}</dd>
                </>
              )}
            </dl>
            <div class="actions">
              {canChange && (
                <button type="button" disabled={retrying} onClick={retry}>
                  Retry
                </button>
              )}
              <button type="button" onClick={loaded.reload}>
                Refresh
              </button>
            </div>
            {retriedAfter !== undefined && (
              <p role="status">
                {awaitingRetry
                  ? 'Queued for another attempt. It appears below once the worker has sent it.'
                  : 'The new attempt is below.'}
              </p>
            )}
            <ErrorAlert error={error} />

            <h2>Payload</h2>
            <pre class="code">{json(log.payload)}</pre>

            <h2>Attempts</h2>
            {log.attempts.length === 0 ? (
              <p>No attempt yet.</p>
            ) : (
              <TableScroll>
                <table>
                  <caption>Attempts</caption>
                  <thead>
                    <tr>
                      <th scope="col">Number</th>
                      <th scope="col">Time</th>
                      <th scope="col">Status code</th>
                      <th scope="col">Duration</th>
                      <th scope="col">Error</th>
                    </tr>
                  </thead>
                  <tbody>
                    {log.attempts.map((attempt) => (
                      <tr key={attempt.attempt}>
                        <td>{attempt.attempt}</td>
                        <td>{dateTime(attempt.at)}</td>
                        <td>{orDash(attempt.statusCode)}</td>
                        <td>{ms(attempt.responseTimeMs)}</td>
                        <td>{orDash(attempt.error)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}

            <h2>Response</h2>
            {log.responseBody ? (
              <pre class="code">{log.responseBody}</pre>
            ) : (
              <p>No response body.</p>
            )}
          </>
        )}
      </Loading>
    </section>
  );
}
