import { describe, expect, it } from 'vitest';
import { dealValueBand, dealValueBandLabel, valueThreshold } from '../../src/domain/signal-anonymity.js';

describe('valueThreshold', () => {
  // A client with k-1 accounts supplies k-1 of a value's clients: k + 1 leaves at least two others.
  it.each([
    [1, 1],
    [2, 3],
    [3, 4],
    [10, 11],
  ])('k = %d: a value shows from %d clients', (k, clients) => expect(valueThreshold(k)).toBe(clients));
});

describe('dealValueBand', () => {
  it.each([
    [null, null, null],
    [Number.NaN, null, null],
    [-5, 1, '<1k'],
    [0, 1, '<1k'],
    [999.99, 1, '<1k'],
    [1000, 2, '1k-5k'],
    [4999.99, 2, '1k-5k'],
    [5000, 3, '5k-25k'],
    [24_999.99, 3, '5k-25k'],
    [25_000, 4, '25k-100k'],
    [37_500, 4, '25k-100k'],
    [99_999.99, 4, '25k-100k'],
    [100_000, 5, '100k+'],
    [9_999_999_999.99, 5, '100k+'],
  ])('%s → band %s (%s)', (value, band, label) => {
    expect(dealValueBand(value)).toBe(band);
    expect(dealValueBandLabel(dealValueBand(value))).toBe(label);
  });
});
