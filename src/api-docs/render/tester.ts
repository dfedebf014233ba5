// What the "Try it out" panel starts with: the endpoint a gateway with default settings (and
// `qkms dev`) listens on.

import { CONFIG_FIELDS } from '../../config/schema';

const defaultOf = (path: string): string =>
  String(CONFIG_FIELDS.find((f) => f.path === path)?.default);

export function testerDefaults(): { endpoint: string } {
  return { endpoint: `http://${defaultOf('listen.host')}:${defaultOf('listen.port')}` };
}
