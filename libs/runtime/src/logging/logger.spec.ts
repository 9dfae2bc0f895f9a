import pino from 'pino';
import { JsonLogger } from './logger';

function capturing(): { logger: JsonLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { logger: new JsonLogger(pino({ level: 'trace' }, stream)), lines };
}

describe('JsonLogger', () => {
  it.each([
    ['log', 30],
    ['error', 50],
    ['warn', 40],
    ['debug', 20],
    ['verbose', 10],
    ['fatal', 60],
  ] as const)("writes Nest's %s at pino level %i, with the context Nest passes last", (method, level) => {
    const { logger, lines } = capturing();
    logger[method]('hello', 'Bootstrap');
    expect(lines).toEqual([expect.objectContaining({ level, msg: 'hello', context: 'Bootstrap' })]);
  });

  it('keeps an error stack Nest passes before the context, and logs an Error as err', () => {
    const { logger, lines } = capturing();
    logger.error('failed', 'at somewhere', 'Worker');
    logger.error(new Error('boom'), 'Worker');
    expect(lines[0]).toMatchObject({ msg: 'failed', stack: 'at somewhere', context: 'Worker' });
    expect(lines[1]).toMatchObject({ msg: 'boom', context: 'Worker', err: { message: 'boom' } });
  });
});
