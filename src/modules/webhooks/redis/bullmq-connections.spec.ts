import { producerConnection, reconnectDelayMs, workerConnection } from './bullmq-connections';

describe('BullMQ connections', () => {
  it('reconnects at most 2 s apart, however long the outage', () => {
    const delays = Array.from({ length: 1000 }, (_, i) => reconnectDelayMs(i + 1));
    expect(delays.slice(0, 4)).toEqual([200, 400, 600, 800]);
    expect(Math.max(...delays)).toBe(2000);
    expect(Math.min(...delays)).toBe(200);
  });

  it('producers fail fast, workers wait, and both reconnect on the short schedule', () => {
    const url = 'redis://127.0.0.1:6379';
    expect(producerConnection(url)).toEqual({
      url,
      enableOfflineQueue: false,
      retryStrategy: reconnectDelayMs,
    });
    expect(workerConnection(url)).toEqual({
      url,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      retryStrategy: reconnectDelayMs,
    });
  });
});
