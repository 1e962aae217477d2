import { ConfigService } from '@nestjs/config';
import { AppEnv } from './env';

/** Typed access to the validated environment: `config.get('PORT', { infer: true })`. */
export type AppConfig = ConfigService<AppEnv, true>;

/** These variables of the validated environment. */
export function envOf<K extends keyof AppEnv>(
  config: AppConfig,
  keys: readonly K[],
): Pick<AppEnv, K> {
  return Object.fromEntries(keys.map((key) => [key, config.get(key, { infer: true })])) as Pick<
    AppEnv,
    K
  >;
}
