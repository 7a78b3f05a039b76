export { ProcessFixture, type FixtureReport } from './process-fixture';
export { ResourceTracker, type Closable } from './resource-tracker';
