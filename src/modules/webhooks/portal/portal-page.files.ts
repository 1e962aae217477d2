import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** A file of the built page, read once at boot. */
export interface PortalAsset {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/** Where `npm run build:portal` writes the page, beside this file in src and in dist alike. */
export const BUILT_PORTAL_PAGE_DIR = join(__dirname, 'page');

/** The marker of index.html's API meta tag; replaced by the real prefix at boot. */
const API_META = /<meta name="webhooks-api" content="[^"]*"\s*\/?>/;

/**
 * The built portal page: index.html with the API prefix and asset paths filled in, and the
 * hashed assets by file name. Built once at boot, so no request reads the disk and no request
 * path ever reaches the file system (no traversal possible).
 */
export class PortalPageFiles {
  private constructor(
    readonly index: Buffer | undefined,
    private readonly assets: ReadonlyMap<string, PortalAsset>,
  ) {}

  /**
   * `pagePath` and `apiPath` are the full paths the browser sees (`/portal`, `/api/v1`; ''
   * for the root). `undefined` index when the page was not built: the routes answer 503 then.
   */
  static load(dir: string, pagePath: string, apiPath: string): PortalPageFiles {
    const indexFile = join(dir, 'index.html');
    if (!existsSync(indexFile)) return PortalPageFiles.empty();
    const html = readFileSync(indexFile, 'utf8')
      .replace(API_META, `<meta name="webhooks-api" content="${urlPath(apiPath)}">`)
      // Built with relative asset URLs; the page's own path is known only now.
      .replace(/(src|href)="\.\/assets\//g, `$1="${urlPath(pagePath)}/assets/`);
    const assets = new Map<string, PortalAsset>();
    const assetsDir = join(dir, 'assets');
    if (existsSync(assetsDir)) {
      for (const entry of readdirSync(assetsDir, { withFileTypes: true })) {
        const type = CONTENT_TYPES[extname(entry.name)];
        if (!entry.isFile() || !type) continue;
        assets.set(entry.name, {
          body: readFileSync(join(assetsDir, entry.name)),
          contentType: type,
        });
      }
    }
    return new PortalPageFiles(Buffer.from(html, 'utf8'), assets);
  }

  /** Nothing loaded (yet). */
  static empty(): PortalPageFiles {
    return new PortalPageFiles(undefined, new Map());
  }

  asset(name: string): PortalAsset | undefined {
    return this.assets.get(name);
  }
}

/** A path safe inside an HTML attribute: anything but plain path characters percent-encoded. */
function urlPath(path: string): string {
  return path.replace(/[^A-Za-z0-9/._~-]/g, encodeURIComponent);
}
