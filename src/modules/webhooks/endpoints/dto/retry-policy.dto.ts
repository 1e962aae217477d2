import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { IsOptional } from 'class-validator';
import { BackoffStrategy } from '../retry-policy';

export const MAX_RETRY_DELAY_MS = 86_400_000;

/** Any field left out keeps its current value (or the default on create). */
export class RetryPolicyDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 10, default: 3 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  maxAttempts?: number;

  @ApiPropertyOptional({ enum: ['exponential', 'linear', 'fixed'], default: 'exponential' })
  @IsOptional()
  @IsIn(['exponential', 'linear', 'fixed'])
  backoff?: BackoffStrategy;

  @ApiPropertyOptional({ minimum: 100, maximum: MAX_RETRY_DELAY_MS, default: 1000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(MAX_RETRY_DELAY_MS)
  initialDelayMs?: number;

  @ApiPropertyOptional({ minimum: 100, maximum: MAX_RETRY_DELAY_MS, default: 60000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(MAX_RETRY_DELAY_MS)
  maxDelayMs?: number;
}
