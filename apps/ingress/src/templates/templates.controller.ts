import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { AuthenticatedWorkspace, CurrentWorkspace, WorkspaceAuthGuard } from '@smsgate/auth';
import { uuidv7 } from '@smsgate/contracts';
import { MessageTemplateRecord, MessageTemplatesRepository } from '@smsgate/db';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { PageQuery, pageOf } from '../paging';
import { TEMPLATE_ID } from '../send/template-texts';
import { parseBody } from '../zod-body';
import { CreateTemplate, ReplaceTemplate } from './template.input';
import { TemplateView } from './templates.routes';

const view = (template: MessageTemplateRecord): z.output<typeof TemplateView> => ({
  id: template.id,
  name: template.name,
  body: template.body,
  createdAt: template.createdAt.toISOString(),
  updatedAt: template.updatedAt.toISOString(),
});

function templateId(id: string): string {
  if (!TEMPLATE_ID.test(id))
    throw new BadRequestException(`template id ${id.slice(0, 64)} is not a template id`);
  return id;
}
const notFound = (id: string) => new NotFoundException(`template ${id} not found`);

/**
 * Message templates: a body with `$(name)` placeholders, sent by id from POST /v1/messages (`template`)
 * and the IMIconnect-compatible API (`message.template`).
 */
@Controller('v1/templates')
@UseGuards(WorkspaceAuthGuard)
export class TemplatesController {
  constructor(private readonly templates: MessageTemplatesRepository) {}

  /** 201; 409 when the workspace already has a template with the id given. */
  @Post()
  @HttpCode(201)
  async create(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Body() body: unknown) {
    const input = parseBody(CreateTemplate, body);
    const id = input.id ?? uuidv7();
    const template = await this.templates.insert(workspace.id, {
      id,
      name: input.name ?? null,
      body: input.body,
    });
    if (!template) throw new ConflictException(`template ${id} exists: PUT /v1/templates/${id} replaces it`);
    return view(template);
  }

  /** Creates (201) or replaces (200) the template with this id. */
  @Put(':id')
  async replace(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('id') raw: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const id = templateId(raw);
    const input = parseBody(ReplaceTemplate, body);
    const { template, created } = await this.templates.replace(workspace.id, {
      id,
      name: input.name ?? null,
      body: input.body,
    });
    if (created) void reply.status(201);
    return view(template);
  }

  @Get(':id')
  async get(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Param('id') raw: string) {
    const id = templateId(raw);
    const template = await this.templates.get(workspace.id, id);
    if (!template) throw notFound(id);
    return view(template);
  }

  /** By id; `next` is the cursor of the following page, null on the last. */
  @Get()
  async list(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Query() query: unknown) {
    const { limit, cursor } = parseBody(PageQuery, query);
    const rows = await this.templates.list(workspace.id, cursor, limit + 1);
    return pageOf(rows, limit, (template) => template.id, view);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Param('id') raw: string) {
    const id = templateId(raw);
    if (!(await this.templates.delete(workspace.id, id))) throw notFound(id);
  }
}
