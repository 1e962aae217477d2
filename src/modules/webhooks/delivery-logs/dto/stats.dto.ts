import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export const STATS_PERIODS = ['24h', '7d', '30d', 'all'] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];

export class StatsQuery {
  @ApiPropertyOptional({ enum: STATS_PERIODS, default: '24h' })
  @IsOptional()
  @IsIn(STATS_PERIODS)
  period: StatsPeriod = '24h';
}

export class StatsResponse {
  @ApiProperty({ enum: STATS_PERIODS }) period: StatsPeriod;
  @ApiProperty() totalDeliveries: number;
  @ApiProperty() successfulDeliveries: number;
  @ApiProperty() failedDeliveries: number;
  @ApiProperty() pendingDeliveries: number;
  @ApiProperty({ description: 'Successful among finished deliveries, 0..100' }) successRate: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) averageResponseTimeMs: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) p95ResponseTimeMs: number | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastTriggeredAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastSuccessAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastFailureAt: Date | null;
  @ApiProperty() consecutiveFailures: number;
}
