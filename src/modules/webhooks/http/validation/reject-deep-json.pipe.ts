import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../support/json-depth';

/**
 * First of the pipes: a body nested deeper than MAX_JSON_DEPTH is answered 400 before the
 * pipes, class-transformer and class-validator, which all recurse, could overflow the stack on
 * it (JSON.parse itself is iterative).
 */
@Injectable()
export class RejectDeepJsonPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body' && nestsDeeperThan(value, MAX_JSON_DEPTH)) {
      throw new BadRequestException(
        `Request body is nested more than ${MAX_JSON_DEPTH} levels deep`,
      );
    }
    return value;
  }
}
