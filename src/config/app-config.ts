import { ConfigService } from '@nestjs/config';
import { AppEnv } from './env';

/** Typed access to the validated environment: `config.get('PORT', { infer: true })`. */
export type AppConfig = ConfigService<AppEnv, true>;
