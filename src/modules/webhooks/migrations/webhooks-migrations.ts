import { CreateWebhooks1764000000000 } from './1764000000000-CreateWebhooks';
import { EncryptWebhookSecrets1764000200000 } from './1764000200000-EncryptWebhookSecrets';
import { TenantIdsAsText1764000300000 } from './1764000300000-TenantIdsAsText';
import { PartitionedLogsAndEvents1764000400000 } from './1764000400000-PartitionedLogsAndEvents';
import { EventHistoryIndex1764000500000 } from './1764000500000-EventHistoryIndex';
import { RoutingSettings1764000600000 } from './1764000600000-RoutingSettings';

/** The module's migrations, in order, for the host DataSource's `migrations`. */
export const webhooksMigrations = [
  CreateWebhooks1764000000000,
  EncryptWebhookSecrets1764000200000,
  TenantIdsAsText1764000300000,
  PartitionedLogsAndEvents1764000400000,
  EventHistoryIndex1764000500000,
  RoutingSettings1764000600000,
];
