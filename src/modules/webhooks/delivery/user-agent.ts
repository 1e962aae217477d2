import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const { version } = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'),
) as { version: string };

/** `<product>-Webhooks/<version>`, as receivers see it. */
export const USER_AGENT = `Nest-Webhooks/${version}`;
