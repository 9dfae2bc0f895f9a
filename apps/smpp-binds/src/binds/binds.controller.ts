import { Controller, Get, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '@smsgate/auth';
import { BindRegistry, ChannelBinds } from './bind-registry';
import { Ownership } from './ownership';

/** The binds this replica holds, for operators (admin token): state, window in use, rates, last error. */
@Controller('v1/binds')
@UseGuards(AdminTokenGuard)
export class BindsController {
  constructor(
    private readonly registry: BindRegistry,
    private readonly ownership: Ownership,
  ) {}

  @Get()
  list(): { partitions: number[]; channels: ChannelBinds[] } {
    return { partitions: this.ownership.owned.sort((a, b) => a - b), channels: this.registry.snapshot() };
  }
}
