import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AfterCommitSubscriber } from './after-commit.subscriber';

/**
 * Hooks AfterCommitSubscriber into the host's DataSource, so a host lists no subscriber of
 * ours: without it, events triggered in a caller's transaction would wait for the relay.
 */
@Injectable()
export class AfterCommitRegistration implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    const subscribers = this.dataSource.subscribers;
    // Once per DataSource, also when the host lists the subscriber itself.
    if (subscribers.some((subscriber) => subscriber instanceof AfterCommitSubscriber)) return;
    subscribers.push(new AfterCommitSubscriber());
  }
}
