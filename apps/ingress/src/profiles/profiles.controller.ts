import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Put,
  Query,
  Res,
  UnprocessableEntityException,
  UseGuards,
} from '@nestjs/common';
import { AuthenticatedWorkspace, CurrentWorkspace, WorkspaceAuthGuard } from '@smsgate/auth';
import { ProfileRecord, ProfilesRepository } from '@smsgate/db';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { parseBody } from '../zod-body';
import { PageQuery, pageOf } from '../paging';
import { MAX_PROFILE_FIELDS, PatchProfile, profileNumber, ReplaceProfile } from './profile.input';
import { ProfileView } from './profiles.routes';

const view = (profile: ProfileRecord): z.output<typeof ProfileView> => ({
  msisdn: profile.msisdn,
  fields: profile.fields,
  createdAt: profile.createdAt.toISOString(),
  updatedAt: profile.updatedAt.toISOString(),
});

const notFound = (msisdn: string) => new NotFoundException(`no profile for ${msisdn}`);

/**
 * Contact profiles, by number: named string fields that fill the `$(name)` placeholders a send leaves
 * open for that destination (IMIconnect's profile variables).
 */
@Controller('v1/profiles')
@UseGuards(WorkspaceAuthGuard)
export class ProfilesController {
  constructor(private readonly profiles: ProfilesRepository) {}

  /** Creates (201) or replaces (200) the number's profile. */
  @Put(':msisdn')
  async replace(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('msisdn') raw: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const msisdn = profileNumber(raw);
    const { fields } = parseBody(ReplaceProfile, body);
    const { profile, created } = await this.profiles.replace(workspace.id, msisdn, fields);
    if (created) void reply.status(201);
    return view(profile);
  }

  /** Sets the fields given with a value, removes those given as null, keeps the others. */
  @Patch(':msisdn')
  async patch(
    @CurrentWorkspace() workspace: AuthenticatedWorkspace,
    @Param('msisdn') raw: string,
    @Body() body: unknown,
  ) {
    const msisdn = profileNumber(raw);
    const { fields } = parseBody(PatchProfile, body);
    const set: Record<string, string> = {};
    const remove: string[] = [];
    for (const [name, value] of Object.entries(fields)) {
      if (value === null) remove.push(name);
      else set[name] = value;
    }
    const result = await this.profiles.patch(workspace.id, msisdn, set, remove, MAX_PROFILE_FIELDS);
    switch (result.kind) {
      case 'not_found':
        throw notFound(msisdn);
      case 'too_many_fields':
        throw new UnprocessableEntityException(
          `the profile would have ${result.fieldCount} fields: at most ${MAX_PROFILE_FIELDS}`,
        );
      case 'patched':
        return view(result.profile);
    }
  }

  @Get(':msisdn')
  async get(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Param('msisdn') raw: string) {
    const msisdn = profileNumber(raw);
    const profile = await this.profiles.get(workspace.id, msisdn);
    if (!profile) throw notFound(msisdn);
    return view(profile);
  }

  /** By number; `next` is the cursor of the following page, null on the last. */
  @Get()
  async list(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Query() query: unknown) {
    const { limit, cursor } = parseBody(PageQuery, query);
    const rows = await this.profiles.list(workspace.id, cursor, limit + 1);
    return pageOf(rows, limit, (profile) => profile.msisdn, view);
  }

  @Delete(':msisdn')
  @HttpCode(204)
  async remove(@CurrentWorkspace() workspace: AuthenticatedWorkspace, @Param('msisdn') raw: string) {
    const msisdn = profileNumber(raw);
    if (!(await this.profiles.delete(workspace.id, msisdn))) throw notFound(msisdn);
  }
}
