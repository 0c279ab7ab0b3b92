// First step of `npm run build`: removes dist/, so the package and the site hold only what this
// build writes (a module since renamed or a page file since dropped would otherwise ship on).
import { rmSync } from 'node:fs';

rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true });
