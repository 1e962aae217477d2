import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a migration does must never change with the live code, so it imports none of it. */
describe('migrations', () => {
  const files = readdirSync(__dirname).filter(
    (file) => /^\d+-\w+\.ts$/.test(file) && !file.endsWith('.spec.ts'),
  );

  it('are found', () => {
    expect(files).toContain('1764000200000-EncryptWebhookSecrets.ts');
  });

  it.each(files)('%s imports nothing but typeorm', (file) => {
    const source = readFileSync(join(__dirname, file), 'utf8');
    const imported = [...source.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map(
      ([, specifier]) => specifier,
    );
    expect(imported.filter((specifier) => specifier !== 'typeorm')).toEqual([]);
  });
});
