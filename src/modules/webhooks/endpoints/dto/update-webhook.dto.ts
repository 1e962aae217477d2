import { PartialType } from '@nestjs/swagger';
import { CreateWebhookDto } from './create-webhook.dto';

/** Any create field; `isActive: true` also re-enables an auto-disabled webhook. */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {}
