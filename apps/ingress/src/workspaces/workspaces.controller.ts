import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { AdminTokenGuard, apiKeyPrefix, generateApiKey, hashApiKey } from '@smsgate/auth';
import { isUuid, uuidv7 } from '@smsgate/contracts';
import { SecretBox, WorkspaceKeyFields, WorkspacesRepository } from '@smsgate/db';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { INGRESS_CONFIG, IngressConfig } from '../config';
import { parseBody } from '../zod-body';
import { CreateWorkspace } from './workspace.input';
import { ApiKeyRotated, SigningSecretRotated, WorkspaceCreated, WorkspaceList } from './workspaces.routes';

@Controller('v1/workspaces')
@UseGuards(AdminTokenGuard)
export class WorkspacesController {
  private readonly secretBox: SecretBox;

  constructor(
    private readonly workspaces: WorkspacesRepository,
    @Inject(INGRESS_CONFIG) config: IngressConfig,
  ) {
    this.secretBox = new SecretBox(config.SECRETS_KEY);
  }

  /** Every workspace, oldest first: id, name, creation time, the start of its key. */
  @Get()
  async list(): Promise<z.output<typeof WorkspaceList>> {
    const workspaces = await this.workspaces.list();
    return {
      results: workspaces.map((workspace) => ({
        ...workspace,
        createdAt: workspace.createdAt.toISOString(),
      })),
    };
  }

  /**
   * Creates a workspace. Its API key and callback signing secret are in this response only: we keep
   * the key's hash and the secret encrypted.
   */
  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<z.output<typeof WorkspaceCreated>> {
    const { name } = parseBody(CreateWorkspace, body);
    const apiKey = generateApiKey();
    const signingSecret = `whsec_${randomBytes(32).toString('base64url')}`;
    const id = uuidv7();
    const { createdAt } = await this.workspaces.insert({
      id,
      name,
      apiKeyHash: hashApiKey(apiKey),
      apiKeyPrefix: apiKeyPrefix(apiKey),
      signingSecret: this.secretBox.seal({ signingSecret }),
    });
    return { id, name, apiKey, signingSecret, createdAt: createdAt.toISOString() };
  }

  /**
   * Replaces the workspace's API key; the new one is in this response only and works at once, the old
   * one stops working within the 30 s that services cache a key (docs/operations.md).
   */
  @Post(':id/api-key')
  @HttpCode(201)
  async rotateApiKey(@Param('id') id: string): Promise<z.output<typeof ApiKeyRotated>> {
    const apiKey = generateApiKey();
    await this.update(id, { apiKeyHash: hashApiKey(apiKey), apiKeyPrefix: apiKeyPrefix(apiKey) });
    return { id, apiKey };
  }

  /** Replaces the secret that signs the workspace's status callbacks; shown in this response only. */
  @Post(':id/signing-secret')
  @HttpCode(201)
  async rotateSigningSecret(@Param('id') id: string): Promise<z.output<typeof SigningSecretRotated>> {
    const signingSecret = `whsec_${randomBytes(32).toString('base64url')}`;
    await this.update(id, { signingSecret: this.secretBox.seal({ signingSecret }) });
    return { id, signingSecret };
  }

  private async update(id: string, fields: WorkspaceKeyFields): Promise<void> {
    const found = isUuid(id) && (await this.workspaces.updateKeys(id, fields));
    if (!found) throw new NotFoundException(`workspace ${id.slice(0, 64)} not found`);
  }
}
