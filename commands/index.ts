/** Every command FlavaFlav registers, in one list; the app hands it to the bot. */
import type { Command } from '../src/bot/command';
import deliveries from './deliveries';
import distribute from './distribute';
import event from './event';
import history from './history';
import inventory from './inventory';
import list from './list';
import member from './member';
import revert from './revert';
import want from './want';

export const COMMANDS: Command[] = [member, inventory, list, distribute, history, revert, want, deliveries, event];
