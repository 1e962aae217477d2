import { retryOnDeadlock } from './retry-on-deadlock';

const deadlock = () =>
  Object.assign(new Error('deadlock detected'), { driverError: { code: '40P01' } });

describe('retryOnDeadlock', () => {
  it('runs a deadlock victim again and returns its result', async () => {
    let calls = 0;
    const result = await retryOnDeadlock(async () => {
      if (++calls < 3) throw deadlock();
      return 'done';
    });
    expect({ result, calls }).toEqual({ result: 'done', calls: 3 });
  });

  it('gives up after three deadlocks', async () => {
    let calls = 0;
    const run = retryOnDeadlock(async () => {
      calls++;
      throw deadlock();
    });
    await expect(run).rejects.toThrow('deadlock detected');
    expect(calls).toBe(3);
  });

  it('never repeats other errors', async () => {
    let calls = 0;
    const run = retryOnDeadlock(async () => {
      calls++;
      throw Object.assign(new Error('unique violation'), { code: '23505' });
    });
    await expect(run).rejects.toThrow('unique violation');
    expect(calls).toBe(1);
  });
});
