import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { DatabaseModule, DbEnv } from '@smsgate/db';
import { KafkaEnv, KafkaModule, kafkaSettingsFrom } from '@smsgate/kafka';
import { countPublished } from '@smsgate/runtime';

export type ServiceParts = Pick<ModuleMetadata, 'imports' | 'controllers' | 'providers'>;

export interface SmsgateServiceModule<C> extends Type {
  forRoot(config: C): DynamicModule;
}

/**
 * The root module of the service `name`, named by a subclass:
 * `class DispatcherModule extends smsgateServiceModule('dispatcher', DISPATCHER_CONFIG, parts) {}`.
 * Its `forRoot(config)` provides the config under `configToken`, adds the service's own `parts`, and imports
 * what every service uses: Kafka (acknowledged events counted in the message metrics) and a PostgreSQL pool,
 * both named `smsgate-<name>`.
 */
export function smsgateServiceModule<C extends KafkaEnv & DbEnv>(
  name: string,
  configToken: symbol,
  parts: (config: C) => ServiceParts,
): SmsgateServiceModule<C> {
  @Module({})
  class ServiceModule {
    static forRoot(config: C): DynamicModule {
      const { imports = [], controllers = [], providers = [] } = parts(config);
      return {
        module: this,
        imports: [
          KafkaModule.forRoot(kafkaSettingsFrom(config, name), { onAcknowledged: countPublished }),
          DatabaseModule.forService(config, name),
          ...imports,
        ],
        controllers,
        providers: [{ provide: configToken, useValue: config }, ...providers],
      };
    }
  }
  return ServiceModule;
}
