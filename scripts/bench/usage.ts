import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Resident memory after a full GC, and CPU time used so far. */
export interface Usage {
  rssMb: number;
  cpuMicros: number;
}

export function ownUsage(): Usage {
  (globalThis as { gc?: () => void }).gc?.();
  const cpu = process.cpuUsage();
  return {
    rssMb: +(process.memoryUsage().rss / 2 ** 20).toFixed(1),
    cpuMicros: cpu.user + cpu.system,
  };
}

/** Where deliveries run: in the benchmark's own process, or in worker processes it started. */
export interface DeliveryProcesses {
  /** The workers' memory, and the CPU time of the workers and the triggering process. */
  usage(): Promise<Usage>;
  stop(): Promise<void>;
}

export const inProcess: DeliveryProcesses = {
  usage: async () => ownUsage(),
  stop: async () => undefined,
};

export async function startWorkers(count: number): Promise<DeliveryProcesses> {
  const workers = Array.from({ length: count }, () =>
    fork(join(__dirname, 'worker.ts'), {
      execArgv: ['--expose-gc', '-r', 'ts-node/register/transpile-only'],
      env: { ...process.env, WORKER_ENABLED: 'true' },
    }),
  );
  await Promise.all(workers.map((worker) => once(worker, 'message')));
  const ask = async (worker: (typeof workers)[number]) => {
    const answer = once(worker, 'message');
    worker.send('usage');
    return (await answer)[0] as Usage;
  };
  return {
    async usage() {
      const answers = await Promise.all(workers.map(ask));
      const cpu = process.cpuUsage();
      return {
        rssMb: +answers.reduce((sum, usage) => sum + usage.rssMb, 0).toFixed(1),
        cpuMicros: answers.reduce((sum, usage) => sum + usage.cpuMicros, cpu.user + cpu.system),
      };
    },
    async stop() {
      await Promise.all(
        workers.map(async (worker) => {
          const exited = once(worker, 'exit');
          worker.kill('SIGTERM');
          await exited;
        }),
      );
    },
  };
}

/** Share of the machine's CPU time spent busy (all processes), from /proc/stat; null elsewhere. */
export function machineCpuTicks(): { busy: number; total: number } | null {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const ticks = fields.map(Number);
    const idle = ticks[3] + (ticks[4] ?? 0);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}
