import { BadRequestException } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../support/json-depth';

/**
 * Express middleware for right after the JSON body parser (JSON.parse itself is iterative):
 * a body nested deeper than MAX_JSON_DEPTH is answered 400 before the pipes,
 * class-transformer and class-validator, which all recurse, could overflow the stack on it.
 */
export function rejectDeepJson(request: Request, _response: Response, next: NextFunction): void {
  if (nestsDeeperThan(request.body, MAX_JSON_DEPTH)) {
    next(new BadRequestException(`Request body is nested more than ${MAX_JSON_DEPTH} levels deep`));
    return;
  }
  next();
}
