export { ProcessFixture, type FixtureReport } from './process-fixture';
