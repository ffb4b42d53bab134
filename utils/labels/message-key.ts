/** The catalogue's keys, checked against the English `_locales` at compile time, and the shape of a translator. */
import type messages from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;

/** `t` in pages and the background; tests pass their own. */
export type Translate = (key: MessageKey, substitutions?: string | string[]) => string;
