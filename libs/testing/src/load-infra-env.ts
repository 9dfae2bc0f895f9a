import { loadTestInfra } from './infra';

// Runs before each integration/e2e test file: point the code under test at the test infrastructure.
const infra = loadTestInfra();
process.env.KAFKA_BROKERS = infra.kafkaBrokers;
process.env.DATABASE_URL = infra.databaseUrl;
