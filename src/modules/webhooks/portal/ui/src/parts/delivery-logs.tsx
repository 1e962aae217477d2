/** An endpoint's delivery logs with filters and pages, and recovering failed deliveries. */
import { useState } from 'preact/hooks';
import { ApiError, get, id, post, query } from '../api';
import { dateTime, isoFromLocal, localFromDate, ms, orDash } from '../format';
import { href } from '../router';
import type { CatalogEvent, DeliveryLog, Page } from '../types';
import {
  asApiError,
  ErrorAlert,
  Loading,
  Pager,
  StatusWord,
  TableScroll,
  useCanChange,
  useLoad,
} from '../ui';

const LIMIT = 20;
const STATUSES = ['success', 'failed', 'retrying', 'pending', 'sending'];

/** The catalog's types and the test route's `webhook.test`, once each. */
const eventTypes = (catalog: CatalogEvent[]) => [
  ...new Set(['webhook.test', ...catalog.map((event) => event.type)]),
];

interface Filters {
  status: string;
  eventType: string;
  from: string;
  to: string;
}

export function DeliveryLogs({
  webhookId,
  catalog,
  version,
}: {
  webhookId: string;
  catalog: CatalogEvent[];
  /** Changes when something elsewhere on the page added deliveries (a test send). */
  version: number;
}) {
  const canChange = useCanChange();
  const [filters, setFilters] = useState<Filters>({ status: '', eventType: '', from: '', to: '' });
  const [page, setPage] = useState(1);
  const params = {
    status: filters.status,
    eventType: filters.eventType,
    from: isoFromLocal(filters.from),
    to: isoFromLocal(filters.to),
    page,
    limit: LIMIT,
  };
  const path = `webhooks/${id(webhookId)}/logs${query(params)}`;
  const loaded = useLoad(() => get<Page<DeliveryLog>>(path), `${path}#${version}`);
  const filter = (key: keyof Filters) => (event: Event) => {
    setFilters({ ...filters, [key]: (event.currentTarget as HTMLInputElement).value });
    setPage(1);
  };

  return (
    <section aria-labelledby="logs-heading">
      <h2 id="logs-heading">Delivery logs</h2>
      <div class="filters">
        <div class="field">
          <label for="logs-status">Status</label>
          <select id="logs-status" value={filters.status} onChange={filter('status')}>
            <option value="">Any</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="logs-event-type">Event type</label>
          <select id="logs-event-type" value={filters.eventType} onChange={filter('eventType')}>
            <option value="">Any</option>
            {eventTypes(catalog).map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="logs-from">From</label>
          <input
            id="logs-from"
            type="datetime-local"
            value={filters.from}
            onChange={filter('from')}
          />
        </div>
        <div class="field">
          <label for="logs-to">To</label>
          <input id="logs-to" type="datetime-local" value={filters.to} onChange={filter('to')} />
        </div>
        <button type="button" onClick={loaded.reload}>
          Refresh
        </button>
      </div>
      <Loading loaded={loaded}>
        {(logs) => (
          <>
            <ErrorAlert error={loaded.error} />
            <TableScroll>
              <table>
                <caption>Delivery logs</caption>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Event type</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Response status</th>
                    <th scope="col">Duration</th>
                  </tr>
                </thead>
                <tbody>
                  {logs.data.map((log) => (
                    <tr key={log.id}>
                      <td>
                        <a href={href('endpoints', webhookId, 'logs', log.id)}>
                          {dateTime(log.createdAt)}
                        </a>
                      </td>
                      <td>{log.eventType}</td>
                      <td>
                        <StatusWord status={log.status} />
                      </td>
                      <td>{log.attemptCount}</td>
                      <td>{orDash(log.responseStatus)}</td>
                      <td>{ms(log.responseTimeMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            {logs.data.length === 0 && <p>No deliveries match.</p>}
            <Pager page={page} limit={LIMIT} total={logs.meta.total} onPage={setPage} />
          </>
        )}
      </Loading>
      {canChange && <RecoverFailed webhookId={webhookId} onQueued={loaded.reload} />}
    </section>
  );
}

function RecoverFailed({ webhookId, onQueued }: { webhookId: string; onQueued: () => void }) {
  const [since, setSince] = useState(() => localFromDate(new Date(Date.now() - 24 * 3600_000)));
  const [queued, setQueued] = useState<number>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();

  async function recover() {
    setBusy(true);
    setError(undefined);
    setQueued(undefined);
    try {
      const body = { since: isoFromLocal(since) || since };
      const answer = await post<{ queued: number }>(`webhooks/${id(webhookId)}/recover`, body);
      setQueued(answer.queued);
      onQueued();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="recover">
      <h3>Recover failed deliveries</h3>
      <div class="inline-form">
        <div class="field">
          <label for="recover-since">Failed since</label>
          <input
            id="recover-since"
            type="datetime-local"
            value={since}
            onInput={(e) => setSince(e.currentTarget.value)}
          />
        </div>
        <button type="button" disabled={busy} onClick={recover}>
          Recover failed
        </button>
      </div>
      {queued !== undefined && (
        <p role="status">
          {queued === 1
            ? '1 failed delivery queued again.'
            : `${queued} failed deliveries queued again.`}
        </p>
      )}
      <ErrorAlert error={error} />
    </div>
  );
}
