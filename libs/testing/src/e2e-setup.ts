import { contractViolations, formatViolations, watchFetch } from './api-contract';
import { stopAllServices } from './service-process';

jest.setTimeout(180_000);

// Every answer a started service gives the test is checked against its committed OpenAPI document.
watchFetch();

const failOnViolations = async () => {
  const found = await contractViolations();
  if (found.length > 0) throw new Error(formatViolations(found));
};

afterEach(failOnViolations);

// Whatever a suite left running (its set-up failed before it could keep hold of its services) stops
// here, so it cannot consume the next suite's messages.
afterAll(async () => {
  await stopAllServices();
  // Answers to requests made in afterAll hooks.
  await failOnViolations();
});
