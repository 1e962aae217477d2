import { Param, ParseUUIDPipe } from '@nestjs/common';

/** A route parameter that must be a UUID (any version); anything else is a 400. */
export const UuidParam = (name: string): ParameterDecorator => Param(name, new ParseUUIDPipe());
