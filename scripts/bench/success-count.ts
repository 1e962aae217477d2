import { DataSource } from 'typeorm';

/**
 * The tenants' successful deliveries of the last hour (no run takes longer), through the
 * tenants' webhooks: the (webhook_id, created_at) index exists in every log layout, a
 * tenant_id index not (the partitioned one has none), and a scan of millions of rows would be
 * timed as part of the run it checks. The hour keeps the filled day partitions out: their
 * statistics (one webhook per day) make the planner scan them whole.
 */
export async function successCount(db: DataSource, tenantIds: string[]): Promise<number> {
  const [{ done }] = await db.query(
    `SELECT count(*)::int AS done FROM webhook_logs
      WHERE webhook_id IN (SELECT id FROM webhooks WHERE tenant_id = ANY($1::varchar[]))
        AND status = 'success' AND created_at >= now() - interval '1 hour'`,
    [tenantIds],
  );
  return done;
}
