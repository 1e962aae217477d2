import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_PORTAL_SESSION_MINUTES = 60;
/** One week: a portal link is meant to be handed out, not kept. */
export const MAX_PORTAL_SESSION_MINUTES = 10_080;

export class CreatePortalSessionDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_PORTAL_SESSION_MINUTES,
    default: DEFAULT_PORTAL_SESSION_MINUTES,
    description: 'Minutes until the session expires',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PORTAL_SESSION_MINUTES)
  expiresInMinutes?: number;

  @ApiPropertyOptional({
    default: false,
    description: 'A read-only session may look at everything but change nothing or see secrets',
  })
  @IsOptional()
  @IsBoolean()
  readOnly?: boolean;
}
