import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateInvoices1700000000000 implements MigrationInterface {
  name = 'CreateInvoices1700000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "invoices" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "tenantId" text NOT NULL,
        "number" text NOT NULL UNIQUE,
        "amount" integer NOT NULL,
        "paidAt" timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "invoices"`);
  }
}
