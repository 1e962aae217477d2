import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
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
}
