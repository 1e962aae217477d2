/** `#/endpoints/<id>`: chart, stats, secret, test send, delete and the delivery logs. */
import { useState } from 'preact/hooks';
import { ApiError, del, get, id } from '../api';
import { loadCatalog } from '../catalog';
import { dateTime, ms, percent } from '../format';
import { href, navigate } from '../router';
import type { Stats, Timeseries, Webhook } from '../types';
import { DeliveriesChart } from '../parts/chart';
import { DeliveryLogs } from '../parts/delivery-logs';
import { SecretPanel } from '../parts/secret';
import { TestEventPanel } from '../parts/test-event';
import {
  asApiError,
  Confirm,
  ErrorAlert,
  Loading,
  ScreenHeading,
  StatusWord,
  useCanChange,
  useLoad,
} from '../ui';

export function EndpointScreen({ webhookId }: { webhookId: string }) {
  const path = `webhooks/${id(webhookId)}`;
  const loaded = useLoad(async () => {
    const [webhook, catalog] = await Promise.all([get<Webhook>(path), loadCatalog()]);
    return { webhook, catalog };
  }, webhookId);
  const stats = useLoad(async () => {
    const [summary, series] = await Promise.all([
      get<Stats>(`${path}/stats?period=24h`),
      get<Timeseries>(`${path}/stats/timeseries?period=24h`),
    ]);
    return { summary, series };
  }, webhookId);
  const [logsVersion, setLogsVersion] = useState(0);
  const canChange = useCanChange();

  return (
    <section>
      <ScreenHeading>{loaded.data?.webhook.name ?? 'Endpoint'}</ScreenHeading>
      <p>
        <a href="#/">Back to endpoints</a>
      </p>
      <Loading loaded={loaded}>
        {({ webhook, catalog }) => (
          <>
            <dl class="facts">
              <dt>URL</dt>
              <dd class="url">{webhook.url}</dd>
              <dt>Status</dt>
              <dd>
                <StatusWord status={webhook.status} />
                {webhook.disabledReason && ` — ${webhook.disabledReason}`}
              </dd>
              {webhook.description && (
                <>
                  <dt>Description</dt>
                  <dd>{webhook.description}</dd>
                </>
              )}
              <dt>Events</dt>
              <dd>{webhook.events.join(', ')}</dd>
            </dl>
            {canChange && (
              <p>
                <a href={href('endpoints', webhook.id, 'edit')}>Edit endpoint</a>
              </p>
            )}

            <section aria-labelledby="stats-heading">
              <h2 id="stats-heading">Last 24 hours</h2>
              <Loading loaded={stats}>
                {({ summary, series }) => (
                  <>
                    <DeliveriesChart series={series} />
                    <StatsList stats={summary} />
                  </>
                )}
              </Loading>
            </section>

            <SecretPanel webhook={webhook} />
            {canChange && (
              <TestEventPanel
                webhookId={webhook.id}
                catalog={catalog}
                onSent={() => {
                  setLogsVersion((v) => v + 1);
                  stats.reload();
                }}
              />
            )}
            <DeliveryLogs webhookId={webhook.id} catalog={catalog} version={logsVersion} />
            {canChange && <DeleteEndpoint webhook={webhook} />}
          </>
        )}
      </Loading>
    </section>
  );
}

function StatsList({ stats }: { stats: Stats }) {
  const rows: [string, string][] = [
    ['Deliveries', String(stats.totalDeliveries)],
    ['Successful', String(stats.successfulDeliveries)],
    ['Failed', String(stats.failedDeliveries)],
    ['Pending', String(stats.pendingDeliveries)],
    ['Success rate', stats.totalDeliveries === 0 ? '—' : percent(stats.successRate)],
    ['Average response time', ms(stats.averageResponseTimeMs)],
    ['p95 response time', ms(stats.p95ResponseTimeMs)],
    ['Last triggered', dateTime(stats.lastTriggeredAt)],
    ['Last success', dateTime(stats.lastSuccessAt)],
    ['Last failure', dateTime(stats.lastFailureAt)],
    ['Consecutive failures', String(stats.consecutiveFailures)],
  ];
  return (
    <dl class="facts stats">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function DeleteEndpoint({ webhook }: { webhook: Webhook }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();

  async function remove() {
    setBusy(true);
    setError(undefined);
    try {
      await del(`webhooks/${id(webhook.id)}`);
      navigate('#/');
    } catch (caught) {
      setError(asApiError(caught));
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="delete-heading">
      <h2 id="delete-heading">Danger zone</h2>
      <button
        type="button"
        class="danger"
        disabled={confirming}
        onClick={() => setConfirming(true)}
      >
        Delete endpoint
      </button>
      {confirming && (
        <Confirm
          question={`Delete ${webhook.name} and all its delivery logs? This cannot be undone.`}
          confirmLabel="Yes, delete"
          busy={busy}
          onConfirm={remove}
          onCancel={() => setConfirming(false)}
        />
      )}
      <ErrorAlert error={error} />
    </section>
  );
}
