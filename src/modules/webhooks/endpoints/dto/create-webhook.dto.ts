import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Satisfies } from '../../http/validation/satisfies.decorator';
import { customHeaderProblems, MAX_CUSTOM_HEADERS_BYTES } from '../validation/webhook-headers';
import { secretProblem } from '../validation/webhook-secret';
import { MAX_URL_LENGTH, webhookUrlProblem } from '../validation/webhook-url';
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, MIN_TIMEOUT_MS } from '../retry-policy';
import { RetryPolicyDto } from './retry-policy.dto';
import { filterProblems, MAX_FILTER_CONDITIONS, MAX_FILTER_DEPTH } from '../../routing/filter';
import { MAX_TEMPLATE_LENGTH, templateProblem } from '../../routing/format/template';
import {
  WEBHOOK_FORMATS,
  WEBHOOK_ORDERINGS,
  WebhookFilter,
  WebhookFormat,
  WebhookOrdering,
} from '../../routing/routing-settings';

export class CreateWebhookDto {
  @ApiProperty({ example: 'CRM sync', minLength: 1, maxLength: 255 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiProperty({ example: 'https://example.com/hooks', maxLength: MAX_URL_LENGTH })
  @Satisfies(webhookUrlProblem)
  url: string;

  @ApiProperty({
    example: ['message.sent', 'campaign.*'],
    description: 'Catalog event types, `category.*` patterns or `*`',
    type: [String],
  })
  // The entries are checked against the app's event catalog by WebhookRegistryService.
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  events: string[];

  @ApiPropertyOptional({ maxLength: 1000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ description: 'whsec_ + base64 of 24..64 bytes; generated when absent' })
  @IsOptional()
  @Satisfies(secretProblem)
  secret?: string;

  @ApiPropertyOptional({
    example: { 'X-Api-Key': 'abc' },
    description: `At most 20, of at most ${MAX_CUSTOM_HEADERS_BYTES} bytes of names and values in all; reserved names (Content-Type, Host, webhook-*, …) are refused; values are visible ASCII with inner spaces and tabs`,
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsObject()
  @Satisfies(customHeaderProblems)
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: RetryPolicyDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retryPolicy?: RetryPolicyDto;

  @ApiPropertyOptional({
    minimum: MIN_TIMEOUT_MS,
    maximum: MAX_TIMEOUT_MS,
    default: DEFAULT_TIMEOUT_MS,
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_TIMEOUT_MS)
  @Max(MAX_TIMEOUT_MS)
  timeoutMs?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, nullable: true, default: null })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsInt()
  @Min(1)
  @Max(1000)
  rateLimitPerSecond?: number | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({
    example: { 'data.message.to': { $startsWith: '+1' } },
    description: `Only events matching it are delivered: dotted envelope paths to a literal or to operators ($eq $neq $gt $gte $lt $lte $in $nin $exists $startsWith $endsWith $contains $regex), combined with $and, $or, $not; at most ${MAX_FILTER_CONDITIONS} conditions and depth ${MAX_FILTER_DEPTH}. null: every event`,
    type: 'object',
    additionalProperties: true,
    nullable: true,
  })
  // null is a filter too (every event), so the rule itself decides.
  @ValidateIf((_, value) => value !== undefined)
  @Satisfies((value) => [...filterProblems(value)])
  filter?: WebhookFilter | null;

  @ApiPropertyOptional({
    enum: WEBHOOK_ORDERINGS,
    default: 'unordered',
    description: 'fifo: one delivery at a time, in trigger order',
  })
  @IsOptional()
  @IsIn(WEBHOOK_ORDERINGS)
  ordering?: WebhookOrdering;

  @ApiPropertyOptional({
    enum: WEBHOOK_FORMATS,
    default: 'standard',
    description: 'slack and discord send a chat message rendered from template',
  })
  @IsOptional()
  @IsIn(WEBHOOK_FORMATS)
  format?: WebhookFormat;

  @ApiPropertyOptional({
    maxLength: MAX_TEMPLATE_LENGTH,
    nullable: true,
    example: '[{{type}}] message to {{data.message.to}}',
    description: 'slack and discord only; {{path}} reads the envelope; default "[{{type}}] {{id}}"',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Satisfies(templateProblem)
  template?: string | null;
}
