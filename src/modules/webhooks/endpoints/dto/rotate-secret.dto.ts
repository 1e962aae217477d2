import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Satisfies } from '../../http/validation/satisfies.decorator';
import { secretProblem } from '../validation/webhook-secret';

export class RotateSecretDto {
  @ApiPropertyOptional({ description: 'The new secret; generated when absent' })
  @IsOptional()
  @Satisfies(secretProblem)
  secret?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 168,
    default: 24,
    description: 'Hours during which deliveries are signed with both the new and the old secret',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(168)
  gracePeriodHours?: number;
}
