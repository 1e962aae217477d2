import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortalPageFiles } from './portal-page.files';

const INDEX = `<!doctype html>
<html><head>
<meta name="webhooks-api" content="" />
<script type="module" crossorigin src="./assets/index-abc.js"></script>
<link rel="stylesheet" crossorigin href="./assets/index-def.css">
</head><body><a href="./elsewhere">x</a></body></html>`;

describe('PortalPageFiles', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'portal-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function build(files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
  }

  it('fills in the API path and the page path of the assets, and nothing else', () => {
    build({ 'index.html': INDEX });
    const html = PortalPageFiles.load(dir, '/host/portal', '/host/api/v1').index!.toString();
    expect(html).toContain('<meta name="webhooks-api" content="/host/api/v1">');
    expect(html).toContain('src="/host/portal/assets/index-abc.js"');
    expect(html).toContain('href="/host/portal/assets/index-def.css"');
    expect(html).toContain('href="./elsewhere"');
  });

  it('writes an empty API path for an app without any prefix', () => {
    build({ 'index.html': INDEX });
    const html = PortalPageFiles.load(dir, '/portal', '').index!.toString();
    expect(html).toContain('<meta name="webhooks-api" content="">');
  });

  it('percent-encodes what could leave the attribute', () => {
    build({ 'index.html': INDEX });
    const html = PortalPageFiles.load(dir, '/a"b<c>', '/x y&z').index!.toString();
    expect(html).toContain('content="/x%20y%26z"');
    expect(html).toContain('src="/a%22b%3Cc%3E/assets/index-abc.js"');
  });

  it('keeps the assets by file name with their types, and only files of known types', () => {
    build({
      'index.html': INDEX,
      'assets/index-abc.js': 'export {};',
      'assets/index-def.css': 'body{}',
      'assets/notes.txt': 'not served',
      'assets/nested/deep.js': 'not served either',
    });
    const files = PortalPageFiles.load(dir, '/portal', '/api/v1');
    expect(files.asset('index-abc.js')).toEqual({
      body: Buffer.from('export {};'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(files.asset('index-def.css')?.contentType).toBe('text/css; charset=utf-8');
    for (const name of ['notes.txt', 'nested', 'nested/deep.js', '../index.html', 'index.html']) {
      expect(files.asset(name)).toBeUndefined();
    }
  });

  it('has no index when the page was not built', () => {
    const files = PortalPageFiles.load(join(dir, 'missing'), '/portal', '/api/v1');
    expect(files.index).toBeUndefined();
    expect(files.asset('index-abc.js')).toBeUndefined();
  });
});
