import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { USER_AGENT } from './delivery/user-agent';
import { PACKAGE_NAME, PACKAGE_VERSION } from './package-info';

const packageJson = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'),
) as { name: string; version: string };

describe('package-info', () => {
  it('matches package.json (run `node scripts/write-package-info.js` after changing it)', () => {
    expect({ name: PACKAGE_NAME, version: PACKAGE_VERSION }).toEqual({
      name: packageJson.name,
      version: packageJson.version,
    });
  });

  it('gives deliveries a User-Agent with the package version', () => {
    expect(USER_AGENT).toBe(`Nest-Webhooks/${packageJson.version}`);
  });
});
