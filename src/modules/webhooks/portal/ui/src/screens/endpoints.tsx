/** `#/`: every endpoint of the tenant, its status and 24 h success rate, enable/disable. */
import { useState } from 'preact/hooks';
import { ApiError, get, id, patch, query } from '../api';
import { percent } from '../format';
import { href, navigate } from '../router';
import type { Page, Stats, Webhook } from '../types';
import {
  asApiError,
  ErrorAlert,
  Loading,
  Pager,
  ScreenHeading,
  StatusWord,
  TableScroll,
  useCanChange,
  useLoad,
} from '../ui';

const LIMIT = 50;

interface Row {
  webhook: Webhook;
  stats: Stats | undefined;
}

async function loadRows(page: number): Promise<{ rows: Row[]; total: number }> {
  const list = await get<Page<Webhook>>(`webhooks${query({ page, limit: LIMIT })}`);
  const rows = await Promise.all(
    list.data.map(async (webhook) => ({
      webhook,
      stats: await get<Stats>(`webhooks/${id(webhook.id)}/stats?period=24h`).catch(() => undefined),
    })),
  );
  return { rows, total: list.meta.total };
}

export function EndpointsScreen() {
  const canChange = useCanChange();
  const [page, setPage] = useState(1);
  const loaded = useLoad(() => loadRows(page), String(page));
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<ApiError>();

  async function toggle(webhook: Webhook) {
    setBusy(webhook.id);
    setError(undefined);
    try {
      // `isActive: true` also re-enables an endpoint the failure rule disabled.
      await patch(`webhooks/${id(webhook.id)}`, { isActive: webhook.status !== 'active' });
      loaded.reload();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <section>
      <ScreenHeading>Endpoints</ScreenHeading>
      <div class="toolbar">
        {canChange && (
          <button type="button" class="primary" onClick={() => navigate('#/endpoints/new')}>
            Add endpoint
          </button>
        )}
        <a href="#/events">Look up an event</a>
      </div>
      <ErrorAlert error={error} />
      <Loading loaded={loaded}>
        {({ rows, total }) =>
          rows.length === 0 && page === 1 ? (
            <p>No endpoints yet.</p>
          ) : (
            <>
              <TableScroll>
                <table>
                  <caption>Endpoints</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">URL</th>
                      <th scope="col">Status</th>
                      <th scope="col">Success rate (24 h)</th>
                      {canChange && <th scope="col">Actions</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map(({ webhook, stats }) => (
                      <tr key={webhook.id}>
                        <td>
                          <a href={href('endpoints', webhook.id)}>{webhook.name}</a>
                        </td>
                        <td class="url">{webhook.url}</td>
                        <td>
                          <StatusWord status={webhook.status} />
                        </td>
                        <td>
                          {!stats
                            ? '—'
                            : stats.totalDeliveries === 0
                              ? 'no deliveries'
                              : percent(stats.successRate)}
                        </td>
                        {canChange && (
                          <td>
                            <button
                              type="button"
                              disabled={busy === webhook.id}
                              aria-label={`${webhook.status === 'active' ? 'Disable' : 'Enable'} ${webhook.name}`}
                              onClick={() => toggle(webhook)}
                            >
                              {webhook.status === 'active' ? 'Disable' : 'Enable'}
                            </button>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
              {total > LIMIT && <Pager page={page} limit={LIMIT} total={total} onPage={setPage} />}
            </>
          )
        }
      </Loading>
    </section>
  );
}
