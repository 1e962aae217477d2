import { Transform } from 'class-transformer';

/** Query strings carry text: only "true" and "false" become booleans; anything else stays and fails @IsBoolean. */
export const BooleanQuery = () =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
