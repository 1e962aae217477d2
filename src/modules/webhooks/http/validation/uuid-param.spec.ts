import { ParseUUIDPipe } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { UuidParam } from './uuid-param';

describe('UuidParam', () => {
  class Controller {
    handle(@UuidParam('logId') _logId: string): void {}
  }

  const [arg] = Object.values(
    Reflect.getMetadata(ROUTE_ARGS_METADATA, Controller, 'handle') as Record<
      string,
      { index: number; data: string; pipes: ParseUUIDPipe[] }
    >,
  );

  it('binds the named route parameter', () => {
    expect(arg).toMatchObject({ index: 0, data: 'logId' });
  });

  it('accepts a UUID of any version and refuses anything else with a 400', async () => {
    const [pipe] = arg.pipes;
    const meta = { type: 'param', data: 'logId' } as const;
    for (const uuid of [
      '3f6c2a1e-8b4d-4c7a-9e21-5d0b7f3a9c14',
      '01890a5d-ac96-774b-bcce-b302099a8057',
      '00000000-0000-0000-0000-000000000000',
    ]) {
      await expect(pipe.transform(uuid, meta)).resolves.toBe(uuid);
    }
    await expect(pipe.transform('not-a-uuid', meta)).rejects.toMatchObject({ status: 400 });
  });
});
