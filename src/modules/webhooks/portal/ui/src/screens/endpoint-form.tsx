/** `#/endpoints/new` and `#/endpoints/<id>/edit`: every create field of contract §3. */
import { useState } from 'preact/hooks';
import { ApiError, get, id, patch, post } from '../api';
import { byCategory, loadCatalog } from '../catalog';
import { json } from '../format';
import { href } from '../router';
import type { CatalogEvent, RetryPolicy, Webhook } from '../types';
import { asApiError, ErrorAlert, Loading, ScreenHeading, useCanChange, useLoad } from '../ui';

interface HeaderRow {
  key: number;
  name: string;
  value: string;
}

interface FormValues {
  name: string;
  url: string;
  description: string;
  events: Set<string>;
  headers: HeaderRow[];
  maxAttempts: string;
  backoff: RetryPolicy['backoff'];
  initialDelayMs: string;
  maxDelayMs: string;
  timeoutMs: string;
  rateLimitPerSecond: string;
  isActive: boolean;
  secret: string;
  filter: string;
  ordering: 'unordered' | 'fifo';
  format: 'standard' | 'slack' | 'discord';
  template: string;
}

let nextRowKey = 1;
const row = (name = '', value = ''): HeaderRow => ({ key: nextRowKey++, name, value });

function initialValues(webhook: Webhook | undefined): FormValues {
  const policy = webhook?.retryPolicy;
  return {
    name: webhook?.name ?? '',
    url: webhook?.url ?? '',
    description: webhook?.description ?? '',
    events: new Set(webhook?.events ?? []),
    headers: Object.entries(webhook?.headers ?? {}).map(([name, value]) => row(name, value)),
    maxAttempts: String(policy?.maxAttempts ?? 3),
    backoff: policy?.backoff ?? 'exponential',
    initialDelayMs: String(policy?.initialDelayMs ?? 1000),
    maxDelayMs: String(policy?.maxDelayMs ?? 60000),
    timeoutMs: String(webhook?.timeoutMs ?? 10000),
    rateLimitPerSecond:
      webhook?.rateLimitPerSecond === null || webhook?.rateLimitPerSecond === undefined
        ? ''
        : String(webhook.rateLimitPerSecond),
    isActive: webhook?.isActive ?? true,
    secret: '',
    filter: webhook?.filter === null || webhook?.filter === undefined ? '' : json(webhook.filter),
    ordering: webhook?.ordering ?? 'unordered',
    format: webhook?.format ?? 'standard',
    template: webhook?.template ?? '',
  };
}

/** A number field as typed: the server validates it and names what is wrong. */
const number = (text: string): number | string => {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
};

function requestBody(values: FormValues, creating: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: values.name,
    url: values.url,
    events: [...values.events],
    headers: Object.fromEntries(
      values.headers.filter((h) => h.name.trim() !== '').map((h) => [h.name.trim(), h.value]),
    ),
    retryPolicy: {
      maxAttempts: number(values.maxAttempts),
      backoff: values.backoff,
      initialDelayMs: number(values.initialDelayMs),
      maxDelayMs: number(values.maxDelayMs),
    },
    timeoutMs: number(values.timeoutMs),
    isActive: values.isActive,
  };
  const rate = values.rateLimitPerSecond.trim();
  if (rate !== '') body.rateLimitPerSecond = number(rate);
  else if (!creating) body.rateLimitPerSecond = null;
  if (values.description !== '') body.description = values.description;
  else if (!creating) body.description = null;
  if (creating && values.secret.trim() !== '') body.secret = values.secret.trim();
  // Routing and format (contract §10): sent when set, cleared on edit when emptied.
  if (values.filter.trim() !== '') body.filter = JSON.parse(values.filter);
  else if (!creating) body.filter = null;
  if (!creating || values.ordering !== 'unordered') body.ordering = values.ordering;
  if (!creating || values.format !== 'standard') body.format = values.format;
  if (values.format !== 'standard' && values.template.trim() !== '') {
    body.template = values.template;
  } else if (!creating) body.template = null;
  return body;
}

/** The filter field's problem, if its text is not JSON (the server checks the rest). */
function filterProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    return 'Filter: not valid JSON';
  }
}

export function EndpointFormScreen({ webhookId }: { webhookId?: string }) {
  const creating = webhookId === undefined;
  const loaded = useLoad(
    async () => ({
      catalog: await loadCatalog(),
      webhook: webhookId ? await get<Webhook>(`webhooks/${id(webhookId)}`) : undefined,
    }),
    webhookId ?? 'new',
  );
  const [created, setCreated] = useState<Webhook>();
  const canChange = useCanChange();
  const title = creating ? 'Add endpoint' : 'Edit endpoint';

  if (!canChange) {
    return (
      <section>
        <ScreenHeading>{title}</ScreenHeading>
        <p>This is a read-only session: endpoints cannot be changed here.</p>
        <a href="#/">Back to endpoints</a>
      </section>
    );
  }
  if (created) {
    return (
      <section>
        <ScreenHeading>Endpoint created</ScreenHeading>
        <p>
          <strong>{created.name}</strong> now receives its events.
        </p>
        <div class="secret-once" role="status">
          <p>Its signing secret, shown only this once: copy it to the receiving server.</p>
          <code class="secret">{created.secret}</code>
        </div>
        <p>
          <a href={href('endpoints', created.id)}>Go to {created.name}</a>
        </p>
      </section>
    );
  }
  return (
    <section>
      <ScreenHeading>{title}</ScreenHeading>
      <Loading loaded={loaded}>
        {({ catalog, webhook }) => (
          <EndpointForm
            catalog={catalog}
            webhook={webhook}
            onSaved={(saved) => {
              if (creating) setCreated(saved);
              else location.hash = href('endpoints', saved.id);
            }}
          />
        )}
      </Loading>
    </section>
  );
}

function EndpointForm({
  catalog,
  webhook,
  onSaved,
}: {
  catalog: CatalogEvent[];
  webhook: Webhook | undefined;
  onSaved: (webhook: Webhook) => void;
}) {
  const creating = webhook === undefined;
  const [values, setValues] = useState(() => initialValues(webhook));
  const [error, setError] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) =>
    setValues((previous) => ({ ...previous, [key]: value }));
  const text = (key: keyof FormValues) => (event: Event) =>
    set(key, (event.currentTarget as HTMLInputElement).value as never);

  function toggleEvent(type: string, on: boolean) {
    const events = new Set(values.events);
    if (on) events.add(type);
    else events.delete(type);
    set('events', events);
  }
  function setHeader(key: number, field: 'name' | 'value', value: string) {
    set(
      'headers',
      values.headers.map((h) => (h.key === key ? { ...h, [field]: value } : h)),
    );
  }

  async function save(event: Event) {
    event.preventDefault();
    const problem = filterProblem(values.filter);
    if (problem) {
      setError(new ApiError(400, [problem]));
      return;
    }
    setSaving(true);
    setError(undefined);
    try {
      const body = requestBody(values, creating);
      const saved = creating
        ? await post<Webhook>('webhooks', body)
        : await patch<Webhook>(`webhooks/${id(webhook.id)}`, body);
      onSaved(saved);
    } catch (caught) {
      setError(asApiError(caught));
      setSaving(false);
    }
  }

  const eventBox = (type: string, label: string, description?: string, sample?: unknown) => {
    const inputId = `event-${type}`;
    return (
      <div class="event" key={type}>
        <input
          type="checkbox"
          id={inputId}
          checked={values.events.has(type)}
          onChange={(e) => toggleEvent(type, (e.currentTarget as HTMLInputElement).checked)}
          aria-describedby={description ? `${inputId}-about` : undefined}
        />
        <label for={inputId}>{label}</label>
        {description && (
          <span class="muted" id={`${inputId}-about`}>
            {' '}
            {description}
          </span>
        )}
        {sample !== undefined && (
          <details>
            <summary>Sample payload</summary>
            <pre>{json(sample)}</pre>
          </details>
        )}
      </div>
    );
  };

  return (
    <form class="endpoint-form" noValidate onSubmit={save}>
      <div class="field">
        <label for="endpoint-name">Name</label>
        <input id="endpoint-name" value={values.name} onInput={text('name')} maxLength={255} />
      </div>
      <div class="field">
        <label for="endpoint-url">URL</label>
        <input
          id="endpoint-url"
          type="url"
          inputMode="url"
          value={values.url}
          onInput={text('url')}
          placeholder="https://example.com/hooks"
        />
      </div>
      <div class="field">
        <label for="endpoint-description">Description</label>
        <textarea
          id="endpoint-description"
          value={values.description}
          onInput={text('description')}
          rows={2}
        />
      </div>

      <fieldset class="events">
        <legend>Events</legend>
        {eventBox('*', '*', 'Every event, including types added later')}
        {byCategory(catalog.filter(isSubscribable)).map(([category, events]) => (
          <fieldset key={category}>
            <legend>{category}</legend>
            {eventBox(`${category}.*`, `${category}.*`, `Every ${category} event`)}
            {events.map((event) =>
              eventBox(event.type, event.type, event.description, event.samplePayload),
            )}
          </fieldset>
        ))}
      </fieldset>

      <fieldset>
        <legend>Custom headers</legend>
        {values.headers.length === 0 && <p class="muted">No custom headers.</p>}
        {values.headers.map((header, index) => (
          <div class="header-row" key={header.key}>
            <div class="field">
              <label for={`header-name-${header.key}`}>Header name {index + 1}</label>
              <input
                id={`header-name-${header.key}`}
                value={header.name}
                onInput={(e) => setHeader(header.key, 'name', e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for={`header-value-${header.key}`}>Header value {index + 1}</label>
              <input
                id={`header-value-${header.key}`}
                value={header.value}
                onInput={(e) => setHeader(header.key, 'value', e.currentTarget.value)}
              />
            </div>
            <button
              type="button"
              onClick={() =>
                set(
                  'headers',
                  values.headers.filter((h) => h.key !== header.key),
                )
              }
            >
              Remove header {index + 1}
            </button>
          </div>
        ))}
        <button type="button" onClick={() => set('headers', [...values.headers, row()])}>
          Add header
        </button>
      </fieldset>

      <fieldset>
        <legend>Retry policy</legend>
        <div class="grid">
          <div class="field">
            <label for="retry-max-attempts">Max attempts</label>
            <input
              id="retry-max-attempts"
              type="number"
              min={1}
              max={10}
              value={values.maxAttempts}
              onInput={text('maxAttempts')}
            />
          </div>
          <div class="field">
            <label for="retry-backoff">Backoff</label>
            <select
              id="retry-backoff"
              value={values.backoff}
              onChange={(e) => set('backoff', e.currentTarget.value as RetryPolicy['backoff'])}
            >
              <option value="exponential">exponential</option>
              <option value="linear">linear</option>
              <option value="fixed">fixed</option>
            </select>
          </div>
          <div class="field">
            <label for="retry-initial-delay">Initial delay (ms)</label>
            <input
              id="retry-initial-delay"
              type="number"
              min={100}
              value={values.initialDelayMs}
              onInput={text('initialDelayMs')}
            />
          </div>
          <div class="field">
            <label for="retry-max-delay">Max delay (ms)</label>
            <input
              id="retry-max-delay"
              type="number"
              max={86400000}
              value={values.maxDelayMs}
              onInput={text('maxDelayMs')}
            />
          </div>
        </div>
      </fieldset>

      <div class="grid">
        <div class="field">
          <label for="endpoint-timeout">Timeout (ms)</label>
          <input
            id="endpoint-timeout"
            type="number"
            min={1000}
            max={30000}
            value={values.timeoutMs}
            onInput={text('timeoutMs')}
          />
        </div>
        <div class="field">
          <label for="endpoint-rate-limit">Rate limit (per second)</label>
          <input
            id="endpoint-rate-limit"
            type="number"
            min={1}
            max={1000}
            value={values.rateLimitPerSecond}
            onInput={text('rateLimitPerSecond')}
            aria-describedby="endpoint-rate-limit-about"
          />
          <span class="muted" id="endpoint-rate-limit-about">
            Empty: no limit
          </span>
        </div>
      </div>
      <fieldset>
        <legend>Routing and format</legend>
        <div class="field">
          <label for="endpoint-filter">Filter (JSON)</label>
          <textarea
            id="endpoint-filter"
            class="code"
            rows={3}
            spellcheck={false}
            value={values.filter}
            onInput={text('filter')}
            placeholder='{ "data.message.to": { "$startsWith": "+1" } }'
            aria-describedby="endpoint-filter-about"
          />
          <span class="muted" id="endpoint-filter-about">
            Only events that match are delivered. Empty: every subscribed event.
          </span>
        </div>
        <div class="grid">
          <div class="field">
            <label for="endpoint-ordering">Ordering</label>
            <select
              id="endpoint-ordering"
              value={values.ordering}
              onChange={(e) => set('ordering', e.currentTarget.value as FormValues['ordering'])}
            >
              <option value="unordered">unordered</option>
              <option value="fifo">fifo (one at a time, in order)</option>
            </select>
          </div>
          <div class="field">
            <label for="endpoint-format">Format</label>
            <select
              id="endpoint-format"
              value={values.format}
              onChange={(e) => set('format', e.currentTarget.value as FormValues['format'])}
            >
              <option value="standard">standard</option>
              <option value="slack">slack</option>
              <option value="discord">discord</option>
            </select>
          </div>
        </div>
        {values.format !== 'standard' && (
          <div class="field">
            <label for="endpoint-template">Message template</label>
            <textarea
              id="endpoint-template"
              rows={2}
              maxLength={2000}
              value={values.template}
              onInput={text('template')}
              placeholder="[{{type}}] {{id}}"
              aria-describedby="endpoint-template-about"
            />
            <span class="muted" id="endpoint-template-about">
              {'{{path}} reads the event, e.g. {{data.message.to}}. Empty: [{{type}}] {{id}}.'}
            </span>
          </div>
        )}
      </fieldset>

      <div class="field checkbox">
        <input
          id="endpoint-active"
          type="checkbox"
          checked={values.isActive}
          onChange={(e) => set('isActive', e.currentTarget.checked)}
        />
        <label for="endpoint-active">Active</label>
      </div>
      {creating && (
        <div class="field">
          <label for="endpoint-secret">Signing secret (optional)</label>
          <input
            id="endpoint-secret"
            value={values.secret}
            onInput={text('secret')}
            autoComplete="off"
            spellcheck={false}
            placeholder="whsec_…"
            aria-describedby="endpoint-secret-about"
          />
          <span class="muted" id="endpoint-secret-about">
            Leave empty to have one generated.
          </span>
        </div>
      )}

      <ErrorAlert error={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={saving}>
          Save
        </button>
        <a href={creating ? '#/' : href('endpoints', webhook.id)}>Cancel</a>
      </div>
    </form>
  );
}

/** webhook.test is sent only by the test route: no endpoint can subscribe to it. */
function isSubscribable(event: CatalogEvent): boolean {
  return event.type !== 'webhook.test';
}
