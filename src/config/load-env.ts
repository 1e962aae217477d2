import { loadDotEnv } from './dotenv';
import { AppEnv, EnvValidationError, parseEnv } from './env';

/**
 * Loads `.env` (never overriding real environment variables) and validates everything
 * before any module is built, so a bad value stops boot with one clear message.
 */
loadDotEnv();

function parseOrExit(): AppEnv {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof EnvValidationError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/**
 * The environment as the process got it. Read it rather than process.env once AppModule is
 * imported: ConfigModule writes its validated values (defaults included) into process.env, so
 * a later parse no longer sees which variables were left unset.
 */
export const startupEnv: AppEnv = parseOrExit();
