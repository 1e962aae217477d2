import { Body, Controller, HttpCode, Post, Req, UnauthorizedException } from '@nestjs/common';
import { OrgKeys, OrgRequest } from '../org-keys';
import { BillingService, Payment } from './billing.service';

@Controller('invoices')
export class BillingController {
  constructor(
    private readonly billing: BillingService,
    private readonly orgs: OrgKeys,
  ) {}

  @Post('pay')
  @HttpCode(201)
  pay(@Req() request: OrgRequest, @Body() payment: Payment) {
    return this.billing.pay(this.orgOf(request), payment);
  }

  @Post('pay-declined')
  payDeclined(@Req() request: OrgRequest, @Body() payment: Payment) {
    return this.billing.payDeclined(this.orgOf(request), payment);
  }

  private orgOf(request: OrgRequest): string {
    const org = this.orgs.orgOf(request);
    if (!org) throw new UnauthorizedException('Unknown x-org-key');
    return org;
  }
}
