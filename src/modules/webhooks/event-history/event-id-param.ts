import { BadRequestException, Param, PipeTransform } from '@nestjs/common';
import { EVENT_ID_PATTERN, EVENT_ID_RULE } from '../events/event-id';

/** Anything triggerEvent would refuse as an event id is a 400, before any query. */
class EventIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !EVENT_ID_PATTERN.test(value)) {
      throw new BadRequestException(EVENT_ID_RULE);
    }
    return value;
  }
}

/** A route parameter that must be an event id. */
export const EventIdParam = (name: string): ParameterDecorator => Param(name, new EventIdPipe());
