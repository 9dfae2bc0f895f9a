import { stopAllServices } from './service-process';

jest.setTimeout(180_000);

// Whatever a suite left running (its set-up failed before it could keep hold of its services) stops
// here, so it cannot consume the next suite's messages.
afterAll(() => stopAllServices());
