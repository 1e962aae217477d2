import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compileFilter } from './compile-filter';
import { compileFilterRegex } from './filter-regex';
import { FilterEnvelope } from './filter-types';

function envelopeWith(text: string): FilterEnvelope {
  return {
    id: 'evt_1',
    type: 'message.sent',
    timestamp: '2026-12-02T08:00:00.000Z',
    data: { text },
  };
}

/*
 * Patterns that take a backtracking engine (JavaScript's RegExp among them) exponential time
 * on a near-miss input: about a second for 26 characters, never for 100,000. RE2's time is
 * linear. A synchronous match cannot be interrupted on the thread that runs it, so these run
 * in a worker thread that is terminated when it has not answered in time: a hang fails the
 * test instead of stalling the run.
 */
const CATASTROPHIC = ['(a+)+$', '^(a+)+$', '(a|aa)*b', '^(a|a)*$', '(.*a){12}$', '^(\\w+\\s?)*$'];
const NEAR_MISS = `${'a'.repeat(100_000)}!`;
const MATCHING_DEADLINE_MS = 5_000;

type Job = [pattern: string, text: string];

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
require('ts-node').register({ transpileOnly: true });
const { compileFilter } = require(workerData.modulePath);
parentPort.postMessage('ready');
parentPort.postMessage(
  workerData.jobs.map(([pattern, text]) =>
    compileFilter({ 'data.text': { $regex: pattern } })({ id: 'e', type: 't', timestamp: 't', data: { text } }),
  ),
);
`;

/** The answers of compiled `$regex` filters to `jobs`, matched in a worker under a deadline. */
function matchInWorker(jobs: Job[]): Promise<boolean[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath: join(__dirname, 'compile-filter.ts'), jobs },
    });
    let deadline: NodeJS.Timeout | undefined;
    const finish = (settle: () => void): void => {
      clearTimeout(deadline);
      void worker.terminate();
      settle();
    };
    worker.on('message', (message: unknown) => {
      if (message !== 'ready') return finish(() => resolve(message as boolean[]));
      // Loading TypeScript in the worker takes its own time; only the matching is on the clock.
      deadline = setTimeout(
        () => finish(() => reject(new Error(`no answer within ${MATCHING_DEADLINE_MS} ms`))),
        MATCHING_DEADLINE_MS,
      );
    });
    worker.on('error', (error) => finish(() => reject(error)));
  });
}

describe('$regex on a linear-time engine', () => {
  it('answers false for catastrophic patterns on 100,000 characters that almost match', async () => {
    await expect(
      matchInWorker(CATASTROPHIC.map((pattern) => [pattern, NEAR_MISS])),
    ).resolves.toEqual(CATASTROPHIC.map(() => false));
  });

  it('scans a hundred 100,000-character inputs within the deadline', async () => {
    const jobs = Array.from({ length: 100 }, (_, index): Job => [
      '^(a|aa)*$',
      `${'a'.repeat(99_990 + index)}!`,
    ]);
    await expect(matchInWorker(jobs)).resolves.toEqual(jobs.map(() => false));
  });

  it('still matches long inputs that do match', () => {
    const matches = compileFilter({ 'data.text': { $regex: '(a+)+$' } });
    expect(matches(envelopeWith('a'.repeat(100_000)))).toBe(true);
    const ending = compileFilter({ 'data.text': { $regex: '(a|aa)*b' } });
    expect(ending(envelopeWith(`${'a'.repeat(100_000)}b`))).toBe(true);
  });
});

describe('compileFilterRegex', () => {
  it('searches anywhere in the value unless anchored', () => {
    const search = compileFilterRegex('b+');
    const anchored = compileFilterRegex('^b+$');
    if ('problem' in search || 'problem' in anchored) throw new Error('should compile');
    expect([search.test('abbc'), anchored.test('abbc'), anchored.test('bb')]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('takes flags inline', () => {
    const insensitive = compileFilterRegex('(?i)^sent$');
    if ('problem' in insensitive) throw new Error('should compile');
    expect([insensitive.test('SENT'), insensitive.test('unsent')]).toEqual([true, false]);
  });

  it('accepts 200 characters', () => {
    expect(compileFilterRegex('a'.repeat(200))).not.toHaveProperty('problem');
  });

  it('refuses repetitions RE2 bounds', () => {
    expect(compileFilterRegex('a{1001}')).toEqual({
      problem: 'is not a valid regular expression (RE2 syntax): invalid repeat count: `{1001}`',
    });
  });
});
