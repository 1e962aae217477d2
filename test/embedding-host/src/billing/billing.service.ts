import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { WebhooksService } from 'nest-webhooks';
import { DataSource, EntityManager } from 'typeorm';
import { Invoice } from './invoice.entity';

export interface Payment {
  number: string;
  amount: number;
}

export interface PaidInvoice {
  invoiceId: string;
  eventId: string;
}

@Injectable()
export class BillingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly webhooks: WebhooksService,
  ) {}

  /** The invoice and its `invoice.paid` event commit together, in the host's transaction. */
  pay(orgId: string, payment: Payment): Promise<PaidInvoice> {
    return this.dataSource.transaction((manager) => this.recordPayment(manager, orgId, payment));
  }

  /** Records the payment, then fails: the transaction rolls back, its event with it. */
  payDeclined(orgId: string, payment: Payment): Promise<never> {
    return this.dataSource.transaction(async (manager) => {
      await this.recordPayment(manager, orgId, payment);
      throw new UnprocessableEntityException('The card was declined');
    });
  }

  private async recordPayment(
    manager: EntityManager,
    orgId: string,
    payment: Payment,
  ): Promise<PaidInvoice> {
    const invoice = await manager.save(
      manager.create(Invoice, { tenantId: orgId, number: payment.number, amount: payment.amount }),
    );
    const { eventId } = await this.webhooks.triggerEvent(
      orgId,
      'invoice.paid',
      { invoice: { id: invoice.id, number: invoice.number, amount: invoice.amount } },
      { manager },
    );
    return { invoiceId: invoice.id, eventId };
  }
}
