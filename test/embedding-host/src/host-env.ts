/** The host's own settings, read its own way (no ConfigModule). */
export function hostEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
