// [times bought, services SCORE_SHARED_BY (4) clients bought, clients with a deal ≥ 5000, score]:
// the SPEC §8 formula at its boundaries, its services and deal points counted only from 4 clients.
export const SCORE_CASES: Array<[number, number, number, number]> = [
  [1, 0, 0, 60],
  [1, 0, 1, 60],
  [2, 0, 2, 70],
  [3, 0, 3, 80],
  [3, 1, 3, 80],
  [4, 1, 3, 80],
  [4, 2, 3, 90],
  [4, 1, 4, 90],
  [4, 2, 4, 100],
  [10, 5, 10, 100],
  [0, 0, 0, 60],
];
