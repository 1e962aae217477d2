/**
 * Prints a development JWT for the API:
 *   npm run -s token -- --tenant <uuid> [--admin] [--sub <subject>] [--expires-in 12h]
 */
import { JwtService } from '@nestjs/jwt';
import { isUUID } from 'class-validator';
import { loadDotEnv } from '../src/config/dotenv';
import { parseEnv } from '../src/config/env';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function main(): void {
  loadDotEnv();
  const tenantId = option('tenant');
  if (!tenantId || !isUUID(tenantId)) {
    console.error(
      'usage: npm run -s token -- --tenant <uuid> [--admin] [--sub <subject>] [--expires-in 12h]',
    );
    process.exit(2);
  }
  const { JWT_SECRET } = parseEnv(process.env);
  const roles = process.argv.includes('--admin') ? ['admin'] : [];
  const token = new JwtService({ secret: JWT_SECRET }).sign(
    { sub: option('sub') ?? 'dev-user', tenantId, roles },
    { algorithm: 'HS256', expiresIn: (option('expires-in') ?? '12h') as `${number}h` },
  );
  process.stdout.write(`${token}\n`);
}

main();
