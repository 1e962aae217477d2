import { MAX_TENANT_ID_LENGTH, normalizeTenantId } from './tenant-id';

describe('normalizeTenantId', () => {
  it('keeps a host-named id exactly, case included', () => {
    expect(normalizeTenantId('org_42')).toBe('org_42');
    expect(normalizeTenantId('Org_1')).toBe('Org_1');
    expect(normalizeTenantId('org_1')).toBe('org_1');
    expect(normalizeTenantId(' tenant / é ')).toBe(' tenant / é ');
  });

  it('lower-cases a UUID, whatever its case', () => {
    const uuid = '3F2504E0-4F89-11D3-9A0C-0305E82C3301';
    expect(normalizeTenantId(uuid)).toBe(uuid.toLowerCase());
    expect(normalizeTenantId(uuid.toLowerCase())).toBe(uuid.toLowerCase());
  });

  it('does not lower-case an id that only looks like part of a UUID', () => {
    expect(normalizeTenantId('3F2504E0-4F89')).toBe('3F2504E0-4F89');
    expect(normalizeTenantId('{3F2504E0-4F89-11D3-9A0C-0305E82C3301}')).toBe(
      '{3F2504E0-4F89-11D3-9A0C-0305E82C3301}',
    );
  });

  it('accepts 1 to 255 characters, counting characters rather than UTF-16 units', () => {
    expect(normalizeTenantId('x')).toBe('x');
    expect(normalizeTenantId('x'.repeat(MAX_TENANT_ID_LENGTH))).toHaveLength(255);
    const emoji = '😀'.repeat(MAX_TENANT_ID_LENGTH);
    expect(normalizeTenantId(emoji)).toBe(emoji);
    expect(normalizeTenantId('')).toBeNull();
    expect(normalizeTenantId('x'.repeat(MAX_TENANT_ID_LENGTH + 1))).toBeNull();
    expect(normalizeTenantId('😀'.repeat(MAX_TENANT_ID_LENGTH + 1))).toBeNull();
  });

  it('refuses control characters and lone surrogates', () => {
    for (const id of [
      'org\u0000',
      'org\n1',
      'org\t1',
      '\u007f',
      'org\u0085',
      'a\ud800',
      '\udc00b',
    ]) {
      expect(normalizeTenantId(id)).toBeNull();
    }
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, {}, ['org_1']]) {
      expect(normalizeTenantId(value)).toBeNull();
    }
  });
});
