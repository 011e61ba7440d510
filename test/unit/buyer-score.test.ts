import { describe, expect, it } from 'vitest';
import { buyerScore, scoreBoost } from '../../src/domain/buyer-score.js';
import { SCORE_CASES } from '../helpers/score-cases.js';

describe('buyerScore', () => {
  it.each(SCORE_CASES)('times %d, services of 4+ clients %d, clients with big deals %d → %d', (timesBought, sharedServices, bigDealClients, expected) => {
    expect(buyerScore({ timesBought, sharedServices, bigDealClients })).toBe(expected);
  });
});

describe('scoreBoost', () => {
  it.each([
    [null, 0],
    [undefined, 0],
    [0, 0],
    [50, 7],
    [60, 9],
    [70, 10],
    [80, 12],
    [90, 13],
    [100, 15],
  ])('score %s → boost %d', (score, boost) => expect(scoreBoost(score)).toBe(boost));
});
