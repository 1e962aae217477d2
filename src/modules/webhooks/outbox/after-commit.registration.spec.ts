import { DataSource } from 'typeorm';
import { AfterCommitRegistration } from './after-commit.registration';
import { AfterCommitSubscriber } from './after-commit.subscriber';

const dataSourceWith = (subscribers: object[]) => ({ subscribers }) as unknown as DataSource;

describe('AfterCommitRegistration', () => {
  it("adds the after-commit subscriber to the host's DataSource", () => {
    const hostSubscriber = {};
    const dataSource = dataSourceWith([hostSubscriber]);

    new AfterCommitRegistration(dataSource).onModuleInit();

    expect(dataSource.subscribers).toEqual([hostSubscriber, expect.any(AfterCommitSubscriber)]);
  });

  it('adds it once, also when the host lists it already', () => {
    const listed = new AfterCommitSubscriber();
    const dataSource = dataSourceWith([listed]);
    const registration = new AfterCommitRegistration(dataSource);

    registration.onModuleInit();
    registration.onModuleInit();

    expect(dataSource.subscribers).toEqual([listed]);
    expect(dataSource.subscribers[0]).toBe(listed);
  });
});
