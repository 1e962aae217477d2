/** The signing secret: masked, revealed on request, rotated after an in-page confirmation. */
import { useState } from 'preact/hooks';
import { ApiError, get, id, post } from '../api';
import type { Webhook } from '../types';
import { asApiError, Confirm, ErrorAlert, useCanChange } from '../ui';

export function SecretPanel({ webhook }: { webhook: Webhook }) {
  const canChange = useCanChange();
  const [revealed, setRevealed] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [graceHours, setGraceHours] = useState('24');
  const [rotated, setRotated] = useState<{ secret: string; graceHours: number }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const path = `webhooks/${id(webhook.id)}`;

  async function reveal() {
    setError(undefined);
    try {
      setRevealed((await get<{ secret: string }>(`${path}/secret`)).secret);
    } catch (caught) {
      setError(asApiError(caught));
    }
  }
  async function rotate() {
    setBusy(true);
    setError(undefined);
    try {
      const hours = Number(graceHours);
      const { secret } = await post<{ secret: string }>(`${path}/rotate-secret`, {
        gracePeriodHours: Number.isFinite(hours) && graceHours.trim() !== '' ? hours : graceHours,
      });
      setRotated({ secret, graceHours: hours });
      setRevealed(undefined);
      setConfirming(false);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="secret-heading">
      <h2 id="secret-heading">Signing secret</h2>
      <p>
        <code class="secret">{revealed ?? rotated?.secret ?? webhook.secret}</code>
      </p>
      {rotated && (
        <p role="status">
          New secret created. The old secret stays valid for {rotated.graceHours} hours: deliveries
          are signed with both until then.
        </p>
      )}
      {canChange && (
        <div class="actions">
          {revealed === undefined && !rotated ? (
            <button type="button" onClick={reveal}>
              Reveal secret
            </button>
          ) : (
            <button type="button" onClick={() => (setRevealed(undefined), setRotated(undefined))}>
              Hide secret
            </button>
          )}
          <button type="button" disabled={confirming} onClick={() => setConfirming(true)}>
            Rotate secret
          </button>
        </div>
      )}
      {confirming && (
        <Confirm
          question="Replace the signing secret with a new one?"
          confirmLabel="Yes, rotate"
          busy={busy}
          onConfirm={rotate}
          onCancel={() => setConfirming(false)}
        >
          <div class="field">
            <label for="grace-hours">Old secret stays valid for (hours)</label>
            <input
              id="grace-hours"
              type="number"
              min={0}
              max={168}
              value={graceHours}
              onInput={(e) => setGraceHours(e.currentTarget.value)}
            />
          </div>
        </Confirm>
      )}
      <ErrorAlert error={error} />
    </section>
  );
}
