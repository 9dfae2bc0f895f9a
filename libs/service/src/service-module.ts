import { DynamicModule, ModuleMetadata, Type } from '@nestjs/common';
import { DatabaseModule, DbEnv } from '@smsgate/db';
import { KafkaEnv, KafkaModule, kafkaSettingsFrom } from '@smsgate/kafka';
import { countPublished } from '@smsgate/runtime';

export interface ServiceParts extends Pick<ModuleMetadata, 'imports' | 'controllers' | 'providers'> {
  /** The service's name: its Kafka client id and PostgreSQL application name are `smsgate-<name>`. */
  name: string;
  /** The token its validated config is provided under. */
  configToken: symbol;
}

/**
 * The root module of an smsgate service: its own parts, its config, and what every service imports —
 * Kafka, with the publisher's acknowledged events counted in the message metrics, and its PostgreSQL pool.
 */
export function smsgateServiceModule(
  module: Type,
  config: KafkaEnv & DbEnv,
  { name, configToken, imports = [], controllers = [], providers = [] }: ServiceParts,
): DynamicModule {
  return {
    module,
    imports: [
      KafkaModule.forRoot(kafkaSettingsFrom(config, name), { onAcknowledged: countPublished }),
      DatabaseModule.forService(config, name),
      ...imports,
    ],
    controllers,
    providers: [{ provide: configToken, useValue: config }, ...providers],
  };
}
