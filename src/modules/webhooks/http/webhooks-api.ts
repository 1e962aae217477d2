import {
  applyDecorators,
  CanActivate,
  PipeTransform,
  Type,
  UseFilters,
  UseGuards,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { RejectDeepJsonPipe } from './validation/reject-deep-json.pipe';
import { RejectNulCharactersPipe } from './validation/reject-nul-characters.pipe';
import { WebhooksExceptionFilter } from './webhooks-exception.filter';

/**
 * The pipes every route of the module validates its input with, in order: depth first (the
 * others recurse), then NUL characters, then the DTOs. Exported so a host can give its own
 * routes the same rules.
 */
export function webhooksValidationPipes(): PipeTransform[] {
  return [
    new RejectDeepJsonPipe(),
    new RejectNulCharactersPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  ];
}

/**
 * On each controller of the module: its guard, its validation and its error shape, so the
 * host needs no global pipe or filter.
 */
export function WebhooksApi(guard: Type<CanActivate>): ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    UseGuards(guard),
    UsePipes(...webhooksValidationPipes()),
    UseFilters(WebhooksExceptionFilter),
  );
}
