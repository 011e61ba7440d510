// [times bought, services, avg deal, score] — the SPEC §8 formula at its boundaries.
export const SCORE_CASES: Array<[number, number, number | null, number]> = [
  [1, 0, null, 60],
  [1, 1, 4999.99, 60],
  [1, 1, 5000, 70],
  [1, 2, null, 70],
  [1, 2, 5000, 80],
  [2, 1, null, 70],
  [2, 2, 4999.99, 80],
  [2, 2, 5000, 90],
  [3, 1, null, 80],
  [3, 2, null, 90],
  [3, 1, 5000, 90],
  [3, 2, 5000, 100],
  [10, 5, 1_000_000, 100],
  [0, 0, 0, 60],
];

