/**
 * What Discord's client lets a user press. The client only offers the components a message
 * shows, greys out disabled ones, shows an ephemeral message to one user, and offers a select's
 * own options; Discord also checks a clicked custom_id against the message (PITFALLS.md). A
 * press outside that is never dispatched: the emulator refuses it so tests cannot rely on it,
 * and `forgeComponent` exists for tests that mean to play a tampered client.
 */
import type { StoredMessage } from './model';

export interface PressRefusal {
  code: 'EPHEMERAL_NOT_YOURS' | 'COMPONENT_NOT_ON_MESSAGE' | 'COMPONENT_TYPE_MISMATCH' | 'COMPONENT_DISABLED' | 'SELECT_VALUES_INVALID';
  message: string;
}

/** Every component of a message, rows and containers flattened. */
export function componentsOf(message: StoredMessage): any[] {
  const out: any[] = [];
  const walk = (list: any[]) => {
    for (const c of list ?? []) {
      out.push(c);
      if (Array.isArray(c?.components)) walk(c.components);
      if (c?.accessory) walk([c.accessory]);
    }
  };
  walk(message.components);
  return out;
}

/** Why Discord's client would not send this press, or undefined if it would. */
export function pressRefusal(message: StoredMessage, userId: string, customId: string, componentType: number, values?: string[]): PressRefusal | undefined {
  if (message.viewerId !== undefined && message.viewerId !== userId) {
    return { code: 'EPHEMERAL_NOT_YOURS', message: `message ${message.id} is ephemeral: only ${message.viewerId} sees it, not ${userId}` };
  }
  const component = componentsOf(message).find((c) => c?.custom_id === customId);
  if (!component) {
    const shown = componentsOf(message).map((c) => c?.custom_id).filter(Boolean);
    return { code: 'COMPONENT_NOT_ON_MESSAGE', message: `custom id ${JSON.stringify(customId)} is not on message ${message.id} (it shows ${JSON.stringify(shown)})` };
  }
  if (component.type !== componentType) {
    return { code: 'COMPONENT_TYPE_MISMATCH', message: `custom id ${JSON.stringify(customId)} is a component of type ${component.type}, not ${componentType}` };
  }
  if (component.disabled) return { code: 'COMPONENT_DISABLED', message: `component ${JSON.stringify(customId)} on message ${message.id} is disabled` };
  if (component.type === 3 && values) {
    const offered = new Set((component.options ?? []).map((o: any) => o.value));
    const min = component.min_values ?? 1;
    const max = component.max_values ?? 1;
    const unknown = values.filter((v) => !offered.has(v));
    if (unknown.length || values.length < min || values.length > max) {
      return { code: 'SELECT_VALUES_INVALID', message: `select ${JSON.stringify(customId)} offers ${JSON.stringify([...offered])}, ${min}–${max} of them; got ${JSON.stringify(values)}` };
    }
  }
  return undefined;
}
