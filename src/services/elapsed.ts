// How long a service's work took, as its results report it (`seconds`).

/** Seconds since `started` (a performance.now() reading), to the millisecond. */
export const secondsSince = (started: number): number => Number(((performance.now() - started) / 1000).toFixed(3));
