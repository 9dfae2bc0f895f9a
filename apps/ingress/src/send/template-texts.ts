import { BadRequestException, Injectable } from '@nestjs/common';
import { MessageTemplatesRepository } from '@smsgate/db';
import { z } from 'zod';
import { VARIABLE_NAME } from './placeholders';

/** A template id: the client's own (IMIconnect's "1") or one smsgate generated. */
export const TEMPLATE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const TemplateId = z
  .string()
  .regex(TEMPLATE_ID, 'must be 1 to 64 letters, digits, _ . : or -, starting with a letter or digit');
const MAX_PARAMETERS = 100;
const MAX_PARAMETER_VALUE = 1_000;

/** What an IMIconnect request's `message` block asks: a template's body and values for its placeholders. */
export interface ImiTemplated {
  text: string;
  parameters: Record<string, string>;
}

export type ImiTemplates = { ok: true; byRequest: Map<object, ImiTemplated> } | { ok: false; reason: string };

interface ImiMessageBlock {
  message?: unknown;
  channels?: { sms?: { text?: unknown } };
}

/**
 * Stored templates as the send APIs use them: `template` instead of `text` on POST /v1/messages, and
 * IMIconnect's `message.template` (with `message.parameters`). One read per request batch, none without.
 */
@Injectable()
export class TemplateTexts {
  constructor(private readonly templates: MessageTemplatesRepository) {}

  /** The named template's body; a 400 when the workspace has no such template. */
  async textOf(workspace: string, template: string | undefined): Promise<string> {
    if (template === undefined) return '';
    const body = (await this.templates.bodiesOf(workspace, [template])).get(template);
    if (body === undefined) throw new BadRequestException(`unknown template ${template}`);
    return body;
  }

  /** The template of each request of an IMIconnect batch that names one, or why the batch is refused. */
  async forImi(workspace: string, requests: ImiMessageBlock[]): Promise<ImiTemplates> {
    const asked = new Map<object, { id: string; parameters: Record<string, string> }>();
    for (const request of requests) {
      const block = messageBlockOf(request);
      if (typeof block === 'string') return { ok: false, reason: block };
      if (block) asked.set(request, block);
    }
    if (asked.size === 0) return { ok: true, byRequest: new Map() };
    const ids = [...new Set([...asked.values()].map((block) => block.id))];
    const bodies = await this.templates.bodiesOf(workspace, ids);
    const byRequest = new Map<object, ImiTemplated>();
    for (const [request, { id, parameters }] of asked) {
      const text = bodies.get(id);
      if (text === undefined) return { ok: false, reason: `template '${id}' not found` };
      byRequest.set(request, { text, parameters });
    }
    return { ok: true, byRequest };
  }
}

/** A request's `message` block, undefined without one, or what is wrong with it. */
function messageBlockOf(
  request: ImiMessageBlock,
): { id: string; parameters: Record<string, string> } | string | undefined {
  const message = request.message;
  if (message === undefined || message === null || message === '') return undefined;
  if (typeof message !== 'object' || Array.isArray(message)) return "param 'message' must be an object";
  const { template, parameters } = message as { template?: unknown; parameters?: unknown };
  const id = typeof template === 'number' && Number.isInteger(template) ? String(template) : template;
  if (id === undefined || id === '') {
    return parameters === undefined ? undefined : "param 'message.parameters' needs a 'message.template'";
  }
  if (typeof id !== 'string' || !TEMPLATE_ID.test(id))
    return "param 'message.template' must be a template id: up to 64 letters, digits, _ . : or -";
  const text = request.channels?.sms?.text;
  if (typeof text === 'string' && text.trim() !== '')
    return "give either 'channels.sms.text' or 'message.template', not both";
  const values = parametersOf(parameters);
  return typeof values === 'string' ? values : { id, parameters: values };
}

function parametersOf(parameters: unknown): Record<string, string> | string {
  if (parameters === undefined || parameters === null || parameters === '') return {};
  if (typeof parameters !== 'object' || Array.isArray(parameters))
    return "param 'message.parameters' must be an object of strings";
  const entries = Object.entries(parameters);
  if (entries.length > MAX_PARAMETERS)
    return `param 'message.parameters' has more than ${MAX_PARAMETERS} entries`;
  for (const [name, value] of entries) {
    if (!VARIABLE_NAME.test(name) || name.length > 64)
      return `param 'message.parameters.${name.slice(0, 64)}' is not a variable name`;
    if (typeof value !== 'string') return `param 'message.parameters.${name}' must be a string`;
    if (value.length > MAX_PARAMETER_VALUE)
      return `param 'message.parameters.${name}' is longer than ${MAX_PARAMETER_VALUE} characters`;
  }
  return parameters as Record<string, string>;
}
