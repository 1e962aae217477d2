import { Logger } from '@nestjs/common';
import { OperationalEvent } from './operational-event';
import { OperationalListeners } from './operational-listeners';

const event: OperationalEvent = {
  tenantId: 'tenant-1',
  type: 'webhook.disabled',
  eventId: 'evt_op_webhook_disabled_w1_1',
  data: { webhookId: 'w1', name: 'CRM sync', url: 'https://example.com/hooks', reason: 'gone' },
};

describe('OperationalListeners', () => {
  afterEach(() => jest.restoreAllMocks());

  it('calls every listener with each event until it is removed', async () => {
    const listeners = new OperationalListeners();
    const first: OperationalEvent[] = [];
    const second: OperationalEvent[] = [];
    const removeFirst = listeners.add((heard) => void first.push(heard));
    listeners.add((heard) => void second.push(heard));

    await listeners.notify([event, { ...event, eventId: 'evt_2' }]);
    expect(first.map((heard) => heard.eventId)).toEqual([event.eventId, 'evt_2']);
    expect(second).toHaveLength(2);

    removeFirst();
    removeFirst();
    await listeners.notify([event]);
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(3);
  });

  it('logs a listener that throws or rejects, and still calls the others', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const listeners = new OperationalListeners();
    const heard: string[] = [];
    listeners.add(() => {
      throw new Error('mail server down');
    });
    listeners.add(() => Promise.reject(new Error('queue full')));
    listeners.add((received) => void heard.push(received.eventId));

    await expect(listeners.notify([event])).resolves.toBeUndefined();
    expect(heard).toEqual([event.eventId]);
    expect(error.mock.calls.map(([message]) => message)).toEqual([
      `An operational event listener failed on webhook.disabled ${event.eventId}: mail server down`,
      `An operational event listener failed on webhook.disabled ${event.eventId}: queue full`,
    ]);
  });

  it('gives each listener its own copy of the event', async () => {
    const listeners = new OperationalListeners();
    const names: string[] = [];
    listeners.add((heard) => {
      if (heard.type === 'webhook.disabled') heard.data.name = 'changed';
    });
    listeners.add((heard) => {
      if (heard.type === 'webhook.disabled') names.push(heard.data.name);
    });
    await listeners.notify([event]);
    expect(names).toEqual(['CRM sync']);
    expect(event.data).toMatchObject({ name: 'CRM sync' });
  });

  it('refuses a listener that is not a function', () => {
    expect(() => new OperationalListeners().add('nope' as never)).toThrow(
      new TypeError('onOperationalEvent needs a function'),
    );
  });
});
