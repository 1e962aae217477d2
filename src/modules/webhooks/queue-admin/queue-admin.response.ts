import { ApiProperty } from '@nestjs/swagger';

export class QueueJobCounts {
  @ApiProperty({ description: 'Jobs ready to run now (0 while the queue is paused)' })
  waiting: number;

  @ApiProperty({ description: 'Jobs a worker is running right now' })
  active: number;

  @ApiProperty({ description: 'Jobs scheduled for later (delivery retries waiting for backoff)' })
  delayed: number;

  @ApiProperty({ description: 'Finished jobs still kept (normally 0: finished jobs are removed)' })
  completed: number;

  @ApiProperty({
    description: 'Jobs that failed for infrastructure reasons after all their BullMQ attempts',
  })
  failed: number;

  @ApiProperty({
    description: 'Jobs ready to run but held because the queue is paused (0 while it runs)',
  })
  paused: number;
}

export class QueueShardStats extends QueueJobCounts {
  @ApiProperty({ description: 'Shard number, 0-based (a webhook stays on one shard)' })
  shard: number;

  @ApiProperty({ description: 'BullMQ queue name of the shard', example: 'webhook-delivery-1' })
  queue: string;
}

/** The counts over every delivery shard; with more than one shard, each shard's counts too. */
export class QueueStatsResponse extends QueueJobCounts {
  @ApiProperty({
    type: [QueueShardStats],
    required: false,
    description: 'Present only with more than one delivery shard (QUEUE_SHARDS > 1)',
  })
  shards?: QueueShardStats[];
}

export class QueuePauseResponse {
  @ApiProperty({ description: 'Whether the queue is paused now' })
  isPaused: boolean;
}
