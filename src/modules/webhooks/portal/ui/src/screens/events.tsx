/** `#/events` and `#/events/<eventId>`: an event's deliveries to every endpoint; recent events. */
import { useEffect, useState } from 'preact/hooks';
import { get, id, query } from '../api';
import { dateTime, json, orDash } from '../format';
import { href, navigate } from '../router';
import type { EventDetail, EventSummary, Page } from '../types';
import { ErrorAlert, Loading, Pager, ScreenHeading, StatusWord, TableScroll, useLoad } from '../ui';

const LIMIT = 20;

export function EventsScreen({ eventId }: { eventId?: string }) {
  const [typed, setTyped] = useState(eventId ?? '');
  useEffect(() => setTyped(eventId ?? ''), [eventId]);

  function lookUp(event: Event) {
    event.preventDefault();
    const wanted = typed.trim();
    if (wanted) navigate(href('events', wanted));
  }

  return (
    <section>
      <ScreenHeading>Event lookup</ScreenHeading>
      <form class="inline-form" onSubmit={lookUp}>
        <div class="field">
          <label for="event-id">Event ID</label>
          <input
            id="event-id"
            class="wide"
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
            autoComplete="off"
            spellcheck={false}
          />
        </div>
        <button type="submit">Look up</button>
      </form>
      {eventId && <EventDeliveries eventId={eventId} />}
      <RecentEvents />
    </section>
  );
}

function EventDeliveries({ eventId }: { eventId: string }) {
  const loaded = useLoad(() => get<EventDetail>(`webhook-events/${id(eventId)}`), eventId);
  if (loaded.error?.status === 404) {
    return (
      <div class="alert" role="alert">
        <p>No event with the ID {eventId}.</p>
      </div>
    );
  }
  return (
    <section aria-labelledby="event-heading">
      <h2 id="event-heading">Event {eventId}</h2>
      <Loading loaded={loaded}>
        {(event) => (
          <>
            <dl class="facts">
              <dt>Event type</dt>
              <dd>{event.eventType}</dd>
              <dt>Created</dt>
              <dd>{dateTime(event.createdAt)}</dd>
            </dl>
            <details>
              <summary>Payload</summary>
              <pre class="code">{json(event.payload)}</pre>
            </details>
            {event.deliveries.length === 0 ? (
              <p>This event was delivered to no endpoint.</p>
            ) : (
              <TableScroll>
                <table>
                  <caption>Event deliveries</caption>
                  <thead>
                    <tr>
                      <th scope="col">Endpoint</th>
                      <th scope="col">Status</th>
                      <th scope="col">Attempts</th>
                      <th scope="col">Response status</th>
                      <th scope="col">Completed</th>
                    </tr>
                  </thead>
                  <tbody>
                    {event.deliveries.map((delivery) => (
                      <tr key={delivery.logId}>
                        <td>
                          <a href={href('endpoints', delivery.webhookId, 'logs', delivery.logId)}>
                            {delivery.webhookName}
                          </a>
                        </td>
                        <td>
                          <StatusWord status={delivery.status} />
                        </td>
                        <td>{delivery.attemptCount}</td>
                        <td>{orDash(delivery.responseStatus)}</td>
                        <td>{dateTime(delivery.completedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
          </>
        )}
      </Loading>
    </section>
  );
}

function RecentEvents() {
  const [page, setPage] = useState(1);
  const path = `webhook-events${query({ page, limit: LIMIT })}`;
  const loaded = useLoad(() => get<Page<EventSummary>>(path), path);
  return (
    <section aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recent events</h2>
      <Loading loaded={loaded}>
        {(events) => (
          <>
            <ErrorAlert error={loaded.error} />
            {events.data.length === 0 ? (
              <p>No events yet.</p>
            ) : (
              <TableScroll>
                <table>
                  <caption>Recent events</caption>
                  <thead>
                    <tr>
                      <th scope="col">Event ID</th>
                      <th scope="col">Event type</th>
                      <th scope="col">Created</th>
                      <th scope="col">Deliveries</th>
                    </tr>
                  </thead>
                  <tbody>
                    {events.data.map((event) => (
                      <tr key={event.eventId}>
                        <td>
                          <a href={href('events', event.eventId)}>{event.eventId}</a>
                        </td>
                        <td>{event.eventType}</td>
                        <td>{dateTime(event.createdAt)}</td>
                        <td>{event.deliveries}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
            <Pager page={page} limit={LIMIT} total={events.meta.total} onPage={setPage} />
          </>
        )}
      </Loading>
    </section>
  );
}
