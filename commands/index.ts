/** Every command FlavaFlav registers, in one list (registration and routing both read it). */
import type { Command } from '../src/bot/command';
import distribute from './distribute';
import history from './history';
import inventory from './inventory';
import list from './list';
import member from './member';
import revert from './revert';

export const COMMANDS: Command[] = [member, inventory, list, distribute, history, revert];

export function commandDefinitions() {
  return COMMANDS.map((c) => c.data.toJSON());
}
