// Makes PGlite's close() never finish while something keeps the process alive, as an engine that
// stopped inside its WebAssembly after a failed write can leave it: preloaded into an aos
// subprocess with `node --import`. aos must still end (a bounded close, then an exit after a
// database error) rather than hang.
import { PGlite } from '@electric-sql/pglite';

PGlite.prototype.close = function wedgedClose() {
  setInterval(() => {}, 1000); // the stuck engine's handle: the event loop never runs dry
  return new Promise(() => {});
};
