import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import NodeEnvironment from 'jest-environment-node';
import { AppLogSink, installAppLogSink } from './app-log-sink';

/**
 * The e2e tests' environment: what the test apps log is held per test and printed (on
 * stderr) only for a test or hook that fails. A passing test's expected errors stay quiet;
 * the log of a failure is there to explain it.
 */
export default class AppLogsEnvironment extends NodeEnvironment {
  private readonly sink: AppLogSink;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.sink = installAppLogSink(this.global);
  }

  handleTestEvent(event: Circus.Event): void {
    if (event.name === 'test_done') {
      if (event.test.errors.length > 0) this.print(`the failing test "${fullName(event.test)}"`);
      this.sink.lines.length = 0;
    } else if (event.name === 'hook_failure') {
      this.print(`the failing ${event.hook.type} hook`);
      this.sink.lines.length = 0;
    }
  }

  private print(what: string): void {
    if (this.sink.lines.length === 0) return;
    const lines = this.sink.lines.map((line) => line.trimEnd()).join('\n');
    process.stderr.write(`\nWhat the app logged during ${what}:\n${lines}\n\n`);
  }
}

function fullName(test: Circus.TestEntry): string {
  const names = [test.name];
  for (let block = test.parent; block.parent; block = block.parent) names.unshift(block.name);
  return names.join(' › ');
}
