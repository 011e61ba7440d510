import type { Command } from '@commander-js/extra-typings';
import type { ContextProvider } from '../main.js';

export function registerImportCommand(_program: Command<[], Record<string, unknown>>, _ctx: ContextProvider): void {}
