import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Scenario } from './report';

/**
 * Runs some scenarios in a benchmark process of its own: the app reads its configuration
 * once, at import, so a different environment (a Redis Cluster, another retention) needs a
 * process, and it gets a database and a queue prefix of its own too. Its rows come back named
 * with `label` first.
 */
export async function runInChild(
  scenarios: string[],
  env: Record<string, string>,
  label: string,
  flags: string[],
): Promise<Scenario[]> {
  const dir = mkdtempSync(join(os.tmpdir(), 'webhooks-bench-'));
  const resultsFile = join(dir, 'results.json');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          ...process.execArgv,
          join(__dirname, 'bench.ts'),
          '--scenarios',
          scenarios.join(','),
          '--label',
          label,
          '--results-file',
          resultsFile,
          ...flags,
        ],
        { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] },
      );
      child.on('error', reject);
      child.on('exit', resolve);
    });
    const results = readResults(resultsFile);
    // A child that failed before writing its rows still counts: as a void row.
    if (code !== 0 && results.every((row) => !row.void))
      results.push({
        name: `${label}run`,
        kind: 'skipped',
        void: [`benchmark process for ${scenarios.join(', ')} exited with ${code}`],
      });
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readResults(file: string): Scenario[] {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { results: Scenario[] }).results;
  } catch {
    return [];
  }
}
