import { TransportError } from '../http/http-client';
import { apiStatusChange, chtPathsToTry, isPathNotFound } from './cht-api-path';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-04T12:00:00Z');

describe('chtPathsToTry', () => {
  it('tries only the version an operator set', () => {
    expect(
      chtPathsToTry({ apiVersion: 'v1', detectedApiVersion: null, apiCheckedAt: null }, NOW, HOUR),
    ).toEqual(['v1']);
    expect(
      chtPathsToTry({ apiVersion: 'v2', detectedApiVersion: 'v1', apiCheckedAt: null }, NOW, HOUR),
    ).toEqual(['v2']);
  });

  it('tries v2 then v1 under auto, and v1 first once found, until the re-probe of v2 is due', () => {
    const auto = (detected: 'v1' | 'v2' | null, checkedMsAgo: number) =>
      chtPathsToTry(
        { apiVersion: 'auto', detectedApiVersion: detected, apiCheckedAt: new Date(NOW - checkedMsAgo) },
        NOW,
        HOUR,
      );
    expect(
      chtPathsToTry({ apiVersion: 'auto', detectedApiVersion: null, apiCheckedAt: null }, NOW, HOUR),
    ).toEqual(['v2', 'v1']);
    expect(auto('v2', 0)).toEqual(['v2', 'v1']);
    expect(auto('v1', HOUR - 1)).toEqual(['v1', 'v2']);
    expect(auto('v1', HOUR)).toEqual(['v2', 'v1']);
  });
});

describe('isPathNotFound', () => {
  it('is a 404 answer only', () => {
    expect(isPathNotFound({ ok: true, response: { status: 404, body: '' } })).toBe(true);
    expect(isPathNotFound({ ok: true, response: { status: 400, body: '' } })).toBe(false);
    expect(isPathNotFound({ ok: false, error: new TransportError('timeout', 'x') })).toBe(false);
  });
});

describe('apiStatusChange', () => {
  const auto = { apiVersion: 'auto', detectedApiVersion: 'v2', apiStatus: 'ok' } as const;

  it('records nothing while the path in use keeps answering: no write per message', () => {
    expect(apiStatusChange(auto, ['v2'], 'v2')).toBeUndefined();
    expect(apiStatusChange({ ...auto, detectedApiVersion: 'v1' }, ['v1'], 'v1')).toBeUndefined();
    expect(
      apiStatusChange({ ...auto, apiStatus: 'path-not-found' }, ['v2', 'v1'], undefined),
    ).toBeUndefined();
  });

  it('records a fallback, a first detection, a probe and a path that stopped answering', () => {
    expect(apiStatusChange(auto, ['v2', 'v1'], 'v1')).toEqual({ detected: 'v1', status: 'ok' });
    expect(apiStatusChange({ ...auto, detectedApiVersion: null, apiStatus: null }, ['v2'], 'v2')).toEqual({
      detected: 'v2',
      status: 'ok',
    });
    expect(apiStatusChange({ ...auto, detectedApiVersion: 'v1' }, ['v2', 'v1'], 'v1')).toEqual({
      detected: 'v1',
      status: 'ok',
    });
    expect(apiStatusChange(auto, ['v2', 'v1'], undefined)).toEqual({
      detected: null,
      status: 'path-not-found',
    });
  });

  it('records only the status of an operator-set version', () => {
    const pinned = { apiVersion: 'v2', detectedApiVersion: null, apiStatus: 'ok' } as const;
    expect(apiStatusChange(pinned, ['v2'], 'v2')).toBeUndefined();
    expect(apiStatusChange(pinned, ['v2'], undefined)).toEqual({ detected: null, status: 'path-not-found' });
  });
});
