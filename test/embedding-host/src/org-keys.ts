import { Global, Injectable, Module } from '@nestjs/common';

/** What the host's auth reads of a request. */
export interface OrgRequest {
  headers: Record<string, string | string[] | undefined>;
}

/** The host's own auth: an `x-org-key` header names an organisation (no JWT anywhere). */
@Injectable()
export class OrgKeys {
  private readonly orgs = new Map([
    ['key-org-42', 'org_42'],
    ['key-org-7', 'org_7'],
  ]);

  /** The organisation of a request, or undefined when its key is missing or unknown. */
  orgOf(request: OrgRequest): string | undefined {
    const key = request.headers['x-org-key'];
    return typeof key === 'string' ? this.orgs.get(key) : undefined;
  }
}

@Global()
@Module({ providers: [OrgKeys], exports: [OrgKeys] })
export class OrgKeysModule {}
