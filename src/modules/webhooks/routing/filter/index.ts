export { compileFilter, filterProblems } from './compile-filter';
export * from './filter-limits';
export type { FilterEnvelope, FilterMatcher } from './filter-types';
export { InvalidFilterError } from './invalid-filter.error';
