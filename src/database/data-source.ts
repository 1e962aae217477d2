import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { parseEnv } from '../config/env';
import { typeOrmOptions } from './typeorm-options';

if (existsSync('.env')) process.loadEnvFile('.env');

/** Used by the TypeORM CLI (`npm run migration:*`). */
export default new DataSource({
  ...typeOrmOptions(parseEnv(process.env)),
  migrationsRun: false,
});
