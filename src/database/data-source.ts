import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadDotEnv } from '../config/dotenv';
import { parseEnv } from '../config/env';
import { typeOrmOptions } from './typeorm-options';

loadDotEnv();

/** Used by the TypeORM CLI (`npm run migration:*`). */
export default new DataSource({
  ...typeOrmOptions(parseEnv(process.env)),
  migrationsRun: false,
});
