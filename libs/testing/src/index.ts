export * from './wait-for';
export * from './topic-probe';
export * from './free-port';
export * from './service-process';
export * from './factories';
export { ensureTestInfra, loadTestInfra, repoRoot, TestInfra } from './infra';
export * from './recording-server';
export * from './consumer-groups';
export * from './smsc-simulator';
