import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseRetry } from '../../src/format/durations.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['250ms', 250],
    ['1.5s', 1500],
    ['10', 10_000],
    [' 2m ', 120_000],
  ])('reads %j as %i milliseconds', (text, milliseconds) => {
    expect(parseDuration(text)).toBe(milliseconds);
  });

  it.each(['', 'soon', '5 minutes', '-1s', '1d', 's', '10sec'])('rejects %j, naming the accepted forms', (text) => {
    expect(() => parseDuration(text, 'timeout')).toThrow(`timeout must look like 30s, 5m or 250ms, not "${text}"`);
  });

  it('rejects a zero duration', () => {
    expect(() => parseDuration('0s', 'timeout')).toThrow('timeout must be more than zero');
  });
});

describe('parseRetry', () => {
  it.each([
    ['3x10s', { attempts: 3, delay: 10_000 }],
    ['1x250ms', { attempts: 1, delay: 250 }],
    ['12x1m', { attempts: 12, delay: 60_000 }],
  ])('reads %j as attempts and a delay in milliseconds', (text, retry) => {
    expect(parseRetry(text)).toEqual(retry);
  });

  it.each(['0x10s', '3x', 'x10s', '3*10s', '3', 'threex10s'])('rejects %j', (text) => {
    expect(() => parseRetry(text)).toThrow(`retry must look like 3x10s (attempts x delay), not "${text}"`);
  });

  it('rejects a bad delay with a message about the delay', () => {
    expect(() => parseRetry('3xsoon')).toThrow('retry delay must look like 30s, 5m or 250ms, not "soon"');
  });
});

describe('formatDuration', () => {
  it.each([
    [850, '850ms'],
    [1234, '1.23s'],
    [12_345, '12.3s'],
    [185_000, '3m05s'],
    [600_000, '10m00s'],
  ])('shows %i ms as %s', (milliseconds, text) => {
    expect(formatDuration(milliseconds)).toBe(text);
  });
});
