import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource, DataSourceSettings } from './data-source';
import type { DbEnv } from './db.config';
import { repositories } from './repositories/all';

@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  // Runs after HTTP and consumers stopped, so in-flight work still has its connections.
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Injectable()
export class DatabaseHealth {
  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}

@Global()
@Module({})
export class DatabaseModule {
  /** A service's database from its validated config; connections are named `smsgate-<service>`. */
  static forService(config: DbEnv, service: string): DynamicModule {
    return DatabaseModule.forRoot({
      url: config.DATABASE_URL,
      poolSize: config.DATABASE_POOL_SIZE,
      applicationName: `smsgate-${service}`,
    });
  }

  static forRoot(settings: DataSourceSettings): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DataSource, useFactory: () => createDataSource(settings).initialize() },
        DatabaseLifecycle,
        DatabaseHealth,
        ...repositories,
      ],
      exports: [DataSource, DatabaseHealth, ...repositories],
    };
  }
}
