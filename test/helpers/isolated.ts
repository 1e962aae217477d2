/**
 * Runs `body` against a fresh copy of every module, with `env` set while it is imported.
 * The configuration is read when AppModule is first imported, so a test that needs other
 * settings imports the app (and any class it asks the app for) inside `body`.
 */
export async function withIsolatedModules<T>(
  env: Record<string, string>,
  body: () => Promise<T>,
): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    let result!: T;
    await jest.isolateModulesAsync(async () => {
      result = await body();
    });
    return result;
  } finally {
    process.env = saved;
  }
}
