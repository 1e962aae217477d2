/** The portal shell: header, the screen of the current route, the session's state. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getSession, takeToken, whenUnauthorized } from './api';
import { useRoute, type Route } from './router';
import { DeliveryScreen } from './screens/delivery';
import { EndpointFormScreen } from './screens/endpoint-form';
import { EndpointScreen } from './screens/endpoint';
import { EndpointsScreen } from './screens/endpoints';
import { EventsScreen } from './screens/events';
import type { Session } from './types';
import { asApiError, ErrorAlert, ScreenHeading, SessionContext } from './ui';

const EXPIRED = 'This portal session has expired or is invalid. Ask for a new link.';
const NO_TOKEN = 'This page needs a portal session link. Ask for a new link.';

type State =
  | { kind: 'starting' }
  | { kind: 'ready'; session: Session }
  | { kind: 'refused'; message: string }
  | { kind: 'failed'; error: ApiError };

export function App() {
  const [state, setState] = useState<State>({ kind: 'starting' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    whenUnauthorized(() => setState({ kind: 'refused', message: EXPIRED }));
    if (!takeToken()) {
      setState({ kind: 'refused', message: NO_TOKEN });
      return;
    }
    getSession().then(
      (session) => setState({ kind: 'ready', session }),
      (error: unknown) => {
        const failure = asApiError(error);
        if (failure.status !== 401) setState({ kind: 'failed', error: failure });
      },
    );
  }, [attempt]);

  if (state.kind === 'refused') {
    return (
      <main class="refused">
        <p role="alert">{state.message}</p>
      </main>
    );
  }
  if (state.kind === 'failed') {
    return (
      <main>
        <ErrorAlert error={state.error} />
        <button type="button" onClick={() => setAttempt((n) => n + 1)}>
          Try again
        </button>
      </main>
    );
  }
  if (state.kind === 'starting') return <main class="muted">Loading…</main>;
  return (
    <SessionContext.Provider value={state.session}>
      <Shell readOnly={state.session.readOnly} />
    </SessionContext.Provider>
  );
}

function Shell({ readOnly }: { readOnly: boolean }) {
  const route = useRoute();
  return (
    <>
      <a class="skip" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          Webhooks
        </a>
        <nav aria-label="Portal">
          <a href="#/" aria-current={route.screen === 'endpoints' ? 'page' : undefined}>
            Endpoints
          </a>
          <a href="#/events" aria-current={route.screen === 'events' ? 'page' : undefined}>
            Event lookup
          </a>
        </nav>
        {readOnly && <span class="badge">Read-only session</span>}
      </header>
      <main id="main">
        {/* A new key per address: each navigation opens a fresh screen whose heading takes the focus. */}
        <Screen key={location.hash} route={route} />
      </main>
    </>
  );
}

/** The skip link may not change the hash: the hash is the route. */
function skipToMain(event: Event) {
  event.preventDefault();
  document.querySelector<HTMLElement>('main h1')?.focus();
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'endpoints':
      return <EndpointsScreen />;
    case 'new-endpoint':
      return <EndpointFormScreen />;
    case 'edit-endpoint':
      return <EndpointFormScreen webhookId={route.id} />;
    case 'endpoint':
      return <EndpointScreen webhookId={route.id} />;
    case 'delivery':
      return <DeliveryScreen webhookId={route.id} logId={route.logId} />;
    case 'events':
      return <EventsScreen eventId={route.eventId} />;
    case 'not-found':
      return (
        <section>
          <ScreenHeading>Page not found</ScreenHeading>
          <p>
            <a href="#/">Go to the endpoints</a>
          </p>
        </section>
      );
  }
}
