import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export const TIMESERIES_PERIODS = ['24h', '7d', '30d'] as const;
export type TimeseriesPeriod = (typeof TIMESERIES_PERIODS)[number];

export class TimeseriesQuery {
  @ApiPropertyOptional({ enum: TIMESERIES_PERIODS, default: '24h' })
  @IsOptional()
  @IsIn(TIMESERIES_PERIODS)
  period: TimeseriesPeriod = '24h';
}

export class TimeseriesBucket {
  @ApiProperty({ type: String, format: 'date-time', description: 'Start of the bucket (UTC)' })
  start: Date;
  @ApiProperty({ description: 'Deliveries created in the bucket that succeeded' })
  successful: number;
  @ApiProperty({ description: 'Deliveries created in the bucket that failed for good' })
  failed: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) p50ResponseTimeMs: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) p95ResponseTimeMs: number | null;
}

export class TimeseriesResponse {
  @ApiProperty({ enum: TIMESERIES_PERIODS }) period: TimeseriesPeriod;
  @ApiProperty({ description: '3600 (24h), 21600 (7d) or 86400 (30d)' }) bucketSeconds: number;
  @ApiProperty({
    type: [TimeseriesBucket],
    description: 'Oldest first, empty buckets included; the last one holds now',
  })
  buckets: TimeseriesBucket[];
}
