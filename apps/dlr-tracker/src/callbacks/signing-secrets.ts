import { Inject, Injectable, Logger } from '@nestjs/common';
import { SecretBox, WorkspacesRepository } from '@smsgate/db';
import { TtlCache } from '@smsgate/runtime';
import { DLR_TRACKER_CONFIG, DlrTrackerConfig } from '../config';

/** Workspaces' callback signing secrets, opened and kept a minute; null for a workspace without one. */
@Injectable()
export class SigningSecrets {
  private readonly logger = new Logger(SigningSecrets.name);
  private readonly box: SecretBox;
  private readonly secrets = new TtlCache<string, string | null>(60_000, 10_000);

  constructor(
    private readonly workspaces: WorkspacesRepository,
    @Inject(DLR_TRACKER_CONFIG) config: Pick<DlrTrackerConfig, 'SECRETS_KEY'>,
  ) {
    this.box = new SecretBox(config.SECRETS_KEY);
  }

  of(workspace: string): Promise<string | null> {
    return this.secrets.get(workspace, () => this.read(workspace));
  }

  private async read(workspace: string): Promise<string | null> {
    const sealed = await this.workspaces.findSigningSecret(workspace);
    let secret: string | null = null;
    if (sealed) {
      try {
        secret = this.box.open(sealed).signingSecret ?? null;
      } catch (error) {
        this.logger.error(`signing secret of workspace ${workspace} cannot be opened: ${String(error)}`);
      }
    }
    return secret;
  }
}
