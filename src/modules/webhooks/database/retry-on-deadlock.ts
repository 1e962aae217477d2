const DEADLOCK_DETECTED = '40P01';
const ATTEMPTS = 3;

/**
 * Runs a statement again when Postgres chose it as a deadlock victim. The victim's statement
 * was rolled back whole, so running it again is safe; batches from concurrent workers may
 * lock the same rows in different orders.
 */
export async function retryOnDeadlock<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      const code =
        (error as { driverError?: { code?: string }; code?: string }).driverError?.code ??
        (error as { code?: string }).code;
      if (code !== DEADLOCK_DETECTED || attempt >= ATTEMPTS) throw error;
    }
  }
}
