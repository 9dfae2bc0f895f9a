import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '@smsgate/auth';
import { uuidv7 } from '@smsgate/contracts';
import { WorkspaceEntity } from '@smsgate/db';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { parseBody } from '../zod-body';
import { AdminTokenGuard } from './admin-token.guard';

const CreateWorkspace = z.object({ name: z.string().trim().min(1).max(100) }).strict();

@Controller('v1/workspaces')
@UseGuards(AdminTokenGuard)
export class WorkspacesController {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates a workspace; the API key is in this response only (we keep its hash). */
  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown) {
    const { name } = parseBody(CreateWorkspace, body);
    const apiKey = generateApiKey();
    const workspace = await this.dataSource.getRepository(WorkspaceEntity).save({
      id: uuidv7(),
      name,
      apiKeyHash: hashApiKey(apiKey),
      apiKeyPrefix: apiKeyPrefix(apiKey),
    });
    return { id: workspace.id, name: workspace.name, apiKey, createdAt: workspace.createdAt.toISOString() };
  }
}
