/** A LOG_OUTPUT destination that keeps what the app logged (JSON lines) for a spec to read. */
export class LogCapture {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  get text(): string {
    return this.lines.join('');
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- log records are checked field by field
  records(): Array<Record<string, any>> {
    return this.lines.map((line) => JSON.parse(line));
  }

  /** The request log's completion line of one request. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  completion(requestId: string): Record<string, any> | undefined {
    return this.records().find((record) => record.req?.id === requestId && record.res);
  }
}
