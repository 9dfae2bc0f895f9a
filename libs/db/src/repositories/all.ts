import { WorkspacesRepository } from './workspaces.repository';

/** Every repository; DatabaseModule provides them all to every service. */
export const repositories = [WorkspacesRepository];
