import { PACKAGE_VERSION } from '../package-info';

/** `<product>-Webhooks/<version>`, as receivers see it; the version is compiled in at build time. */
export const USER_AGENT = `Nest-Webhooks/${PACKAGE_VERSION}`;
