export * from './kafka.config';
export * from './create-kafka';
export * from './ensure-topics';
export * from './event-publisher';
export * from './outcome';
export * from './kafka-event.server';
export * from './kafka.module';
export * from './dead-letter-replay';
