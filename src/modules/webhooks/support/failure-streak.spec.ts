import { Logger } from '@nestjs/common';
import { FailureStreak, streakMessages } from './failure-streak';

function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = {
    warn: (message: string) => lines.push(`warn ${message}`),
    log: (message: string) => lines.push(`log ${message}`),
  } as unknown as Logger;
  return { logger, lines };
}

describe('FailureStreak', () => {
  it('logs the first failure of a streak and the recovery, nothing in between', () => {
    const { logger, lines } = recordingLogger();
    let now = 1000;
    const streak = new FailureStreak(logger, streakMessages('Relay passes'), () => now);

    streak.succeeded();
    for (let i = 0; i < 5; i += 1) {
      streak.failed(new Error(`Connection is closed (${i})`));
      now += 500;
    }
    streak.succeeded();
    streak.succeeded();

    expect(lines).toEqual([
      'warn Relay passes failing: Connection is closed (0)',
      'log Relay passes working again after 2500 ms (5 failed)',
    ]);
  });

  it('starts a new streak after a recovery', () => {
    const { logger, lines } = recordingLogger();
    let now = 0;
    const streak = new FailureStreak(logger, streakMessages('Enqueue'), () => now);

    streak.failed(new Error('down'));
    now = 100;
    streak.succeeded();
    streak.failed(new Error('down again'));
    now = 400;
    streak.succeeded();

    expect(lines).toEqual([
      'warn Enqueue failing: down',
      'log Enqueue working again after 100 ms (1 failed)',
      'warn Enqueue failing: down again',
      'log Enqueue working again after 300 ms (1 failed)',
    ]);
  });
});
