interface Waiting<In, Out> {
  input: In;
  resolve: (output: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: calls made while the previous batch is running (or during one turn of the
 * event loop) run together as the next batch, so concurrent deliveries share a database
 * round trip. One batch runs at a time, which also means batches of one process never wait
 * on each other's row locks. Each call resolves with its own result; a failed batch rejects
 * every call in it.
 */
export class MicroBatcher<In, Out> {
  private waiting: Array<Waiting<In, Out>> = [];
  private scheduled = false;
  private running = false;

  constructor(
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly maxBatch = 100,
  ) {}

  add(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (!this.scheduled && !this.running) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        const outputs = await this.run(batch.map((call) => call.input));
        batch.forEach((call, i) => call.resolve(outputs[i]));
      } catch (error) {
        batch.forEach((call) => call.reject(error));
      }
    }
    this.running = false;
  }
}
